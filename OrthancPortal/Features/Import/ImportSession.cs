namespace OrthancPortal.Features.Import;

/// <summary>
/// The state of one import on the page: each file queued in the browser and what became of it. A zip turns
/// into one row per entry. Plain C# so its arithmetic is tested without a browser.
/// </summary>
public sealed class ImportSession
{
    public sealed record QueuedFile(int Key, string Name, long Size);

    public sealed class Row(string name, long size)
    {
        public string Name { get; set; } = name;
        public long Size { get; set; } = size;
        public ImportStatus? Status { get; set; }
        public string? Reason { get; set; }
        public string? StudyId { get; set; }
    }

    private readonly Dictionary<int, (QueuedFile File, List<Row> Rows)> files = [];
    private readonly List<Row> rows = [];

    public IReadOnlyList<Row> Rows => rows;
    public int FilesQueued => files.Count;
    public int FilesDone { get; private set; }
    public long BytesQueued { get; private set; }
    public long BytesDone { get; private set; }
    public bool Running => FilesDone < FilesQueued;

    public int Count(ImportStatus status) => rows.Count(r => r.Status == status);

    public IReadOnlyList<string> StudyIds => rows.Where(r => r.StudyId is not null && r.Status is ImportStatus.Stored or ImportStatus.AlreadyPresent)
        .Select(r => r.StudyId!).Distinct().ToList();

    public void Queue(IEnumerable<QueuedFile> queued)
    {
        foreach (var f in queued)
        {
            if (files.ContainsKey(f.Key)) continue;
            var row = new Row(f.Name, f.Size);
            files[f.Key] = (f, [row]);
            rows.Add(row);
            BytesQueued += f.Size;
        }
    }

    public void Complete(int key, IReadOnlyList<ImportResult> results)
    {
        if (!files.TryGetValue(key, out var entry) || entry.Rows[0].Status is not null) return;
        var first = entry.Rows[0];
        var at = rows.IndexOf(first);
        rows.RemoveAt(at);
        var replacement = results.Count == 0
            ? [new Row(entry.File.Name, entry.File.Size) { Status = ImportStatus.Error, Reason = "No answer for this file." }]
            : results.Select(r => new Row(r.File, r.Bytes) { Status = r.Status, Reason = r.Reason, StudyId = r.StudyId }).ToList();
        rows.InsertRange(at, replacement);
        files[key] = (entry.File, replacement);
        FilesDone++;
        BytesDone += entry.File.Size;
    }

    public void Clear()
    {
        if (Running) return;
        files.Clear();
        rows.Clear();
        FilesDone = 0;
        BytesQueued = BytesDone = 0;
    }
}
