using Microsoft.Extensions.Options;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// A rule file that is skipped. One snapshot serves every user, so a problem the reader recognizes
/// (<see cref="RuleFileException"/>) is put into words when <see cref="Error"/> is read, in the reader's language.
/// </summary>
public sealed record RuleFileError(string FileName, string English)
{
    private readonly RuleFileException? problem;

    public RuleFileError(string fileName, Exception ex) : this(fileName, ex.Message) => problem = ex as RuleFileException;

    public string Error => problem?.Localized() ?? English;

    // The same file with the same problem is the same error (the snapshot is kept when nothing changed).
    public bool Equals(RuleFileError? other) => other is not null && FileName == other.FileName && English == other.English;

    public override int GetHashCode() => HashCode.Combine(FileName, English);
}

public sealed record RuleFileSnapshot(string Folder, IReadOnlyList<AutomationRule> Rules, IReadOnlyList<RuleFileError> Errors)
{
    public static RuleFileSnapshot Empty { get; } = new("", [], []);
}

/// <summary>
/// The rules folder. It is looked at on every change event and on every stable event, like autorthanc, so files can
/// be added and edited while the portal runs (also on shares where the watcher sees nothing). A file that does not
/// parse is reported and skipped; the rest go on.
/// </summary>
public sealed class RuleFileSource(SettingsStore settings, IOptions<PortalOptions> portal, LiveNotifier notifier, ILogger<RuleFileSource> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile RuleFileSnapshot current = RuleFileSnapshot.Empty;
    private string listing = "";

    public RuleFileSnapshot Current => current;

    public async Task<string> FolderAsync(CancellationToken ct = default)
        => (await settings.GetAsync<AutomationSettings>(ct)).ResolveRulesFolder(portal.Value);

    /// <param name="force">
    /// True for watcher events: parse every file. False (stable events, hundreds a minute during a burst): parse only
    /// when the folder's listing (names, sizes, modification times) differs from the last read.
    /// </param>
    public async Task<RuleFileSnapshot> ReloadAsync(bool force = true, CancellationToken ct = default)
    {
        // Watcher events come in bursts (one per write); reading one at a time keeps the snapshot the newest.
        await gate.WaitAsync(ct);
        try
        {
            var folder = await FolderAsync(ct);
            var now = Listing(folder);
            if (!force && now == listing && current.Folder == folder) return current;
            var snapshot = await ReadAsync(folder, now, ct);
            listing = now;
            return snapshot;
        }
        finally { gate.Release(); }
    }

    private static string Listing(string folder)
    {
        if (!Directory.Exists(folder)) return "";
        return string.Join('\n', new DirectoryInfo(folder).EnumerateFiles().Where(f => RuleFileNames.IsRuleFile(f.FullName))
            .OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => $"{f.Name}\t{f.Length}\t{f.LastWriteTimeUtc.Ticks}"));
    }

    private async Task<RuleFileSnapshot> ReadAsync(string folder, string now, CancellationToken ct)
    {
        var rules = new List<AutomationRule>();
        var errors = new List<RuleFileError>();
        if (now.Length > 0)
        {
            foreach (var path in Directory.EnumerateFiles(folder).Where(RuleFileNames.IsRuleFile).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(path);
                try
                {
                    rules.Add(RuleFileFormat.Parse(await File.ReadAllTextAsync(path, ct), RuleFileNames.RuleId(path)));
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    errors.Add(new RuleFileError(name, ex));
                }
            }
        }
        var snapshot = new RuleFileSnapshot(folder, rules, errors);
        // An unchanged folder keeps its snapshot, so readers can tell a change by reference.
        if (SameAs(current, snapshot)) return current;
        current = snapshot;
        foreach (var e in errors) logger.LogWarning("Automation rule file {File} is skipped: {Error}", e.FileName, e.English);
        notifier.Publish(new AutomationRulesChanged());
        return snapshot;
    }

    private static bool SameAs(RuleFileSnapshot a, RuleFileSnapshot b)
        => a.Folder == b.Folder && a.Errors.SequenceEqual(b.Errors)
            && a.Rules.Select(RuleFileFormat.Export).SequenceEqual(b.Rules.Select(RuleFileFormat.Export));
}

/// <summary>Watches the rules folder and re-reads it on every event, so the rules page shows edits at once.</summary>
public sealed class RuleFolderWatcher(RuleFileSource source, SettingsStore settings, IOptions<PortalOptions> portal, LiveNotifier notifier,
    ILogger<RuleFolderWatcher> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private FileSystemWatcher? watcher;
    private IDisposable? settingsSubscription;

    public async Task StartAsync(CancellationToken ct)
    {
        settingsSubscription = notifier.Subscribe<SettingsChanged>(c => c.Section == AutomationSettings.SectionName ? WatchAsync(CancellationToken.None) : Task.CompletedTask);
        await WatchAsync(ct);
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var s = await settings.GetAsync<AutomationSettings>(ct);
            var folder = s.ResolveRulesFolder(portal.Value);
            // The default folder is the portal's own; a configured one must be made by whoever configured it.
            if (string.IsNullOrWhiteSpace(s.RulesFolder)) Directory.CreateDirectory(folder);
            watcher?.Dispose();
            watcher = null;
            if (Directory.Exists(folder))
            {
                watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
                watcher.Created += OnEvent;
                watcher.Changed += OnEvent;
                watcher.Deleted += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.EnableRaisingEvents = true;
            }
            else
            {
                logger.LogWarning("Automation rules folder {Folder} does not exist; file rules are off until it does", folder);
            }
        }
        finally { gate.Release(); }
        await source.ReloadAsync(ct: ct);
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => _ = ReloadQuietlyAsync();

    private async Task ReloadQuietlyAsync()
    {
        try { await source.ReloadAsync(); }
        catch (Exception ex) { logger.LogWarning(ex, "Reading the automation rules folder failed"); }
    }

    public Task StopAsync(CancellationToken ct)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        settingsSubscription?.Dispose();
        watcher?.Dispose();
        watcher = null;
    }
}
