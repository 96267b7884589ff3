// The import drop zone: collects dropped or picked files (whole folders, recursively) and uploads each one
// to the portal's streaming endpoint, a few at a time. Results go back to the Blazor component.
export function attach(zone, inputs, dotnet, parallelism) {
    const queue = [];
    let active = 0;
    let nextKey = 0;

    const enqueue = (files) => {
        if (files.length === 0) return;
        const batch = files.map(f => ({ key: nextKey++, file: f.file, path: f.path }));
        dotnet.invokeMethodAsync('Queued', batch.map(b => ({ key: b.key, name: b.path, size: b.file.size })))
            .then(() => { queue.push(...batch); pump(); });
    };

    const pump = () => {
        while (active < parallelism && queue.length > 0) {
            const item = queue.shift();
            active++;
            upload(item).finally(() => { active--; pump(); });
        }
    };

    const failure = (item, reason) => [{ file: item.path, status: 'Error', reason, bytes: item.file.size, studyId: null }];

    async function upload(item) {
        let results;
        try {
            const response = await fetch('api/import/file', {
                method: 'POST',
                headers: { 'X-File-Name': encodeURIComponent(item.path), 'Content-Type': 'application/octet-stream' },
                body: item.file,
            });
            if (response.ok) {
                results = await response.json();
            } else {
                let reason = response.status === 403 ? 'You are not allowed to import.' : `The portal answered ${response.status}.`;
                try { const problem = await response.json(); reason = problem.detail || problem.title || reason; } catch { /* not JSON */ }
                results = failure(item, reason);
            }
        } catch (e) {
            results = failure(item, `Upload failed: ${e}`);
        }
        await dotnet.invokeMethodAsync('Done', item.key, results);
    }

    async function walk(entry, out) {
        if (entry.isFile) {
            const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
            out.push({ file, path: entry.fullPath.replace(/^\//, '') });
        } else if (entry.isDirectory) {
            const reader = entry.createReader();
            for (;;) {
                const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
                if (batch.length === 0) break;
                for (const child of batch) await walk(child, out);
            }
        }
    }

    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('border-primary'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('border-primary'));
    zone.addEventListener('drop', async e => {
        e.preventDefault();
        zone.classList.remove('border-primary');
        // Entries must be taken while the drop event runs; the data transfer is empty afterwards.
        const entries = [...e.dataTransfer.items].map(i => i.webkitGetAsEntry ? i.webkitGetAsEntry() : null).filter(x => x);
        const out = [];
        if (entries.length > 0) { for (const entry of entries) await walk(entry, out); }
        else { for (const file of e.dataTransfer.files) out.push({ file, path: file.name }); }
        enqueue(out);
    });
    for (const input of inputs) {
        input.addEventListener('change', () => {
            enqueue([...input.files].map(file => ({ file, path: file.webkitRelativePath || file.name })));
            input.value = '';
        });
    }
}
