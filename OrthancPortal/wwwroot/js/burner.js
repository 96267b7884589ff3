// Burner monitor page: optional sounds on done / error. The beep is made with Web Audio, so no sound file is shipped.
const key = 'orthancportal.burner.sounds';
let audio;

export function soundsOn() {
    return localStorage.getItem(key) === 'on';
}

export function setSounds(on) {
    localStorage.setItem(key, on ? 'on' : 'off');
    // Browsers allow audio only after a user gesture; this toggle is one, so the context is made here.
    if (on) beep('done');
}

export function beep(kind) {
    if (!soundsOn()) return;
    audio ??= new (window.AudioContext || window.webkitAudioContext)();
    // Done: two rising tones. Error: three low tones.
    const notes = kind === 'done' ? [660, 880] : [300, 300, 300];
    notes.forEach((frequency, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        const start = audio.currentTime + i * 0.22;
        osc.type = kind === 'done' ? 'sine' : 'square';
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
        osc.connect(gain).connect(audio.destination);
        osc.start(start);
        osc.stop(start + 0.2);
    });
}
