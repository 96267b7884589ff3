// Small browser helpers used through JS interop by the layout and the UI kit (Components/Ui).
window.portal = window.portal || {};
// Browser tests wait for this: the Blazor circuit is up and the page is interactive.
window.portal.markInteractive = () => { window.portalCircuitUp = true; };
// The light/dark choice is a preference of this browser, not of the account (a shared reading-room PC stays as it is).
window.portal.theme = {
    get: () => { try { return localStorage.getItem('portal-theme'); } catch { return null; } },
    set: (value) => { try { localStorage.setItem('portal-theme', value); } catch { /* private mode: not kept */ } },
};

(function (portal) {
    'use strict';

    // ---- Dialog: focus and page scroll while a modal is open -------------------------------------------------
    let openDialogs = 0;
    portal.dialog = {
        opened(element) {
            openDialogs++;
            document.body.classList.add('modal-open');
            const target = element && (element.querySelector('[autofocus], input, select, textarea, .modal-footer .btn-primary, .modal-footer .btn-danger') || element);
            if (target) target.focus();
        },
        closed() {
            openDialogs = Math.max(0, openDialogs - 1);
            if (openDialogs === 0) document.body.classList.remove('modal-open');
        },
    };

    // ---- DropZone: files and folders stay in the browser until they are uploaded ------------------------------
    // Blazor Server caps one JS-to-.NET message at 32 KB by default, so file lists go over in slices below that.
    const maxMessageChars = 16000;
    // Large server answers are not worth pushing through the circuit; callers get a note instead.
    const maxBodyChars = 16000;
    const progressEveryMs = 250;

    function zoneState(zone) {
        if (!zone || !zone._portalDropZone) throw new Error('portal: the drop zone is not attached.');
        return zone._portalDropZone;
    }

    function isHidden(path) {
        // .DS_Store, Thumbs.db and friends come along with dragged folders and are never wanted.
        const name = path.split('/').pop();
        return name.startsWith('.') || name.toLowerCase() === 'thumbs.db' || name.toLowerCase() === 'desktop.ini';
    }

    function readFile(entry) {
        return new Promise((resolve, reject) => entry.file(resolve, reject));
    }

    function readBatch(reader) {
        return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    }

    async function walkEntry(entry, out) {
        if (entry.isFile) {
            const file = await readFile(entry);
            out.push({ file, path: entry.fullPath.replace(/^\/+/, '') || file.name });
        } else if (entry.isDirectory) {
            const reader = entry.createReader();
            // readEntries returns at most ~100 entries per call; keep asking until it returns none.
            for (;;) {
                const batch = await readBatch(reader);
                if (batch.length === 0) break;
                for (const child of batch) await walkEntry(child, out);
            }
        }
    }

    async function filesFromDrop(dataTransfer) {
        const out = [];
        const items = dataTransfer.items ? Array.from(dataTransfer.items) : [];
        if (items.length === 0) {
            for (const file of Array.from(dataTransfer.files || [])) out.push({ file, path: file.name });
            return out;
        }
        // The entries must all be taken before the first await: the DataTransfer is emptied once the drop event returns.
        const entries = [];
        for (const item of items) {
            if (item.kind !== 'file') continue;
            const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
            if (entry) entries.push(entry);
            else {
                const file = item.getAsFile();
                if (file) out.push({ file, path: file.name });
            }
        }
        for (const entry of entries) await walkEntry(entry, out);
        return out;
    }

    function filesFromInput(input) {
        return Array.from(input.files || []).map(file => ({ file, path: file.webkitRelativePath || file.name }));
    }

    async function enqueue(state, picked) {
        const added = [];
        for (const { file, path } of picked) {
            if (state.options.skipHidden && isHidden(path)) continue;
            const index = state.files.length;
            state.files.push({ file, path, status: 'queued' });
            added.push({ index, name: file.name, relativePath: path, size: file.size });
        }
        let slice = [], chars = 0;
        for (const meta of added) {
            const size = JSON.stringify(meta).length;
            if (slice.length > 0 && chars + size > maxMessageChars) {
                await state.dotnetRef.invokeMethodAsync('OnFilesQueued', slice);
                slice = []; chars = 0;
            }
            slice.push(meta); chars += size;
        }
        if (slice.length > 0) await state.dotnetRef.invokeMethodAsync('OnFilesQueued', slice);
        if (added.length > 0) await state.dotnetRef.invokeMethodAsync('OnQueueComplete', added.length);
    }

    function report(state, promise) {
        promise.catch(err => {
            state.dotnetRef.invokeMethodAsync('OnZoneError', String(err && err.message || err)).catch(() => { });
        });
    }

    portal.dropZone = {
        attach(zone, dotnetRef, options) {
            const state = {
                dotnetRef, files: [], requests: new Set(), cancelled: false, running: false,
                options: Object.assign({ skipHidden: true, disabled: false }, options || {}),
            };
            const over = e => {
                if (state.options.disabled || !e.dataTransfer || !Array.from(e.dataTransfer.types || []).includes('Files')) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'copy';
                zone.classList.add('drop-zone-over');
            };
            const leave = e => {
                if (!zone.contains(e.relatedTarget)) zone.classList.remove('drop-zone-over');
            };
            const drop = e => {
                zone.classList.remove('drop-zone-over');
                if (state.options.disabled || !e.dataTransfer) return;
                e.preventDefault();
                report(state, filesFromDrop(e.dataTransfer).then(picked => enqueue(state, picked)));
            };
            const change = e => {
                const input = e.target;
                if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
                const picked = filesFromInput(input);
                // Cleared so choosing the same files again fires another change.
                input.value = '';
                report(state, enqueue(state, picked));
            };
            zone.addEventListener('dragenter', over);
            zone.addEventListener('dragover', over);
            zone.addEventListener('dragleave', leave);
            zone.addEventListener('drop', drop);
            zone.addEventListener('change', change);
            state.detach = () => {
                zone.removeEventListener('dragenter', over);
                zone.removeEventListener('dragover', over);
                zone.removeEventListener('dragleave', leave);
                zone.removeEventListener('drop', drop);
                zone.removeEventListener('change', change);
            };
            zone._portalDropZone = state;
        },
        setOptions(zone, options) {
            Object.assign(zoneState(zone).options, options || {});
        },
        clear(zone) {
            const state = zoneState(zone);
            if (state.running) throw new Error('portal: cannot clear the queue while it uploads.');
            state.files = [];
        },
        cancel(zone) {
            const state = zoneState(zone);
            state.cancelled = true;
            for (const xhr of state.requests) xhr.abort();
        },
        detach(zone) {
            if (!zone || !zone._portalDropZone) return;
            const state = zone._portalDropZone;
            state.cancelled = true;
            for (const xhr of state.requests) xhr.abort();
            state.detach();
            delete zone._portalDropZone;
        },
    };

    function antiforgery(options) {
        if (options.antiforgeryToken) return { header: options.antiforgeryHeader || 'RequestVerificationToken', token: options.antiforgeryToken };
        const input = document.querySelector('input[name="__RequestVerificationToken"]');
        return input && input.value ? { header: options.antiforgeryHeader || 'RequestVerificationToken', token: input.value } : null;
    }

    function truncate(text) {
        if (text == null || text.length <= maxBodyChars) return { body: text, note: null };
        return { body: null, note: `answer of ${text.length} characters not passed on` };
    }

    function sendOne(state, url, options, item, onProgress) {
        return new Promise(resolve => {
            const xhr = new XMLHttpRequest();
            state.requests.add(xhr);
            xhr.open(options.method || 'POST', url);
            xhr.setRequestHeader('Accept', 'application/json');
            const af = antiforgery(options);
            if (af) xhr.setRequestHeader(af.header, af.token);
            for (const [name, value] of Object.entries(options.headers || {})) xhr.setRequestHeader(name, value);
            // The relative path is percent-encoded: header values must be ASCII, folder names often are not.
            xhr.setRequestHeader('X-Relative-Path', encodeURIComponent(item.path));
            xhr.upload.onprogress = e => onProgress(e.loaded);
            const finish = (status, message, text) => {
                state.requests.delete(xhr);
                const { body, note } = truncate(text);
                resolve({ status, message: note ? (message ? `${message}; ${note}` : note) : message, body });
            };
            xhr.onload = () => finish(xhr.status, xhr.status >= 200 && xhr.status < 300 ? null : (xhr.statusText || `HTTP ${xhr.status}`), xhr.responseText);
            xhr.onerror = () => finish(0, 'Network error', null);
            xhr.onabort = () => finish(0, 'Cancelled', null);
            xhr.ontimeout = () => finish(0, 'Timed out', null);
            if (options.multipart === false) {
                xhr.setRequestHeader('Content-Type', item.file.type || 'application/octet-stream');
                xhr.send(item.file);
            } else {
                const form = new FormData();
                form.append('relativePath', item.path);
                form.append(options.fieldName || 'file', item.file, item.path);
                xhr.send(form);
            }
        });
    }

    // Uploads the queued files of options.zone, one request per file, at most options.parallel at a time.
    // Reports to dotnetRef: OnFileProgress(index, sentBytes, overallSent, overallTotal) and
    // OnFileDone(index, httpStatus, message, body); resolves with { done, failed, cancelled }.
    portal.upload = async function (dotnetRef, url, options) {
        options = options || {};
        const state = zoneState(options.zone);
        if (state.running) throw new Error('portal: an upload is already running for this drop zone.');
        const retry = options.retryFailed === true;
        const work = state.files
            .map((item, index) => ({ item, index }))
            .filter(w => w.item.status === 'queued' || (retry && (w.item.status === 'failed' || w.item.status === 'cancelled')));
        const overallTotal = work.reduce((sum, w) => sum + w.item.file.size, 0);
        let overallSent = 0;
        const summary = { done: 0, failed: 0, cancelled: 0 };
        const call = (method, ...args) => dotnetRef.invokeMethodAsync(method, ...args).catch(() => { });
        state.running = true;
        state.cancelled = false;
        let next = 0;
        const worker = async () => {
            while (next < work.length) {
                const { item, index } = work[next++];
                if (state.cancelled) {
                    item.status = 'cancelled';
                    summary.cancelled++;
                    call('OnFileDone', index, 0, 'Cancelled', null);
                    continue;
                }
                item.status = 'uploading';
                let sent = 0, lastReport = 0;
                const result = await sendOne(state, url, options, item, loaded => {
                    overallSent += loaded - sent;
                    sent = loaded;
                    const now = Date.now();
                    // Throttled: a progress call per XHR event would flood the circuit.
                    if (now - lastReport >= progressEveryMs) {
                        lastReport = now;
                        call('OnFileProgress', index, sent, overallSent, overallTotal);
                    }
                });
                // Count the whole file as sent whatever happened, so overall progress reaches 100%.
                overallSent += item.file.size - sent;
                const ok = result.status >= 200 && result.status < 300;
                item.status = ok ? 'done' : state.cancelled ? 'cancelled' : 'failed';
                summary[ok ? 'done' : state.cancelled ? 'cancelled' : 'failed']++;
                call('OnFileProgress', index, item.file.size, overallSent, overallTotal);
                call('OnFileDone', index, result.status, result.message, result.body);
            }
        };
        try {
            const parallel = Math.max(1, Math.min(options.parallel || 4, work.length || 1));
            await Promise.all(Array.from({ length: parallel }, worker));
        } finally {
            state.running = false;
        }
        return summary;
    };
})(window.portal);
