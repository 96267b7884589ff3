using OrthancPortal.Features.Audit;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure;

namespace OrthancPortal.Features.Admin;

public sealed record DiskUsage(string Folder, long FreeBytes, long TotalBytes, long PortalDatabaseBytes, bool Low, double ThresholdGb);

public sealed record SystemOverview(
    OrthancSystem? System, OrthancStatistics? Statistics, string? OrthancError,
    OrthancSettings Settings, DiskUsage Disk, OrthancCapabilities? Capabilities);

public sealed record ProtectedPatient(string Id, string? PatientId, string? PatientName);

public sealed record ProtectedPatients(IReadOnlyList<ProtectedPatient> Patients, int Checked, bool Truncated);

/// <summary>The system and storage page: Orthanc's identity and statistics, disk space, recycling limits, protected patients.</summary>
public sealed class SystemInfoService(OrthancClient orthanc, OrthancCapabilitiesProvider capabilities, SettingsStore settings, IOptions<PortalOptions> portal)
{
    /// <summary>Checking protection costs one call per patient: the page looks at this many at most.</summary>
    public const int MaxPatientsChecked = 2000;

    public async Task<SystemOverview> GetOverviewAsync(CancellationToken ct = default)
    {
        var orthancSettings = await settings.GetAsync<OrthancSettings>(ct);
        var disk = await GetDiskUsageAsync(ct);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var system = await orthanc.GetSystemAsync(timeout.Token);
            var statistics = await orthanc.GetStatisticsAsync(timeout.Token);
            return new(system, statistics, null, orthancSettings, disk, await capabilities.GetAsync(timeout.Token));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return new(null, null, ex.Message, orthancSettings, disk, null);
        }
    }

    /// <summary>Orthanc gives the exact size as a string of bytes (TotalDiskSize) and a rounded one in MB (0 for a small archive).</summary>
    public static long OrthancDiskBytes(OrthancStatistics s)
        => long.TryParse(s.TotalDiskSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) ? bytes : s.TotalDiskSizeMB * 1024 * 1024;

    public async Task<DiskUsage> GetDiskUsageAsync(CancellationToken ct = default)
    {
        var threshold = (await settings.GetAsync<AdminSettings>(ct)).DiskFreeWarningGb;
        var drive = new DriveInfo(Path.GetFullPath(portal.Value.DataFolder));
        var database = new FileInfo(portal.Value.DatabasePath);
        var free = drive.AvailableFreeSpace;
        return new(portal.Value.DataFolder, free, drive.TotalSize, database.Exists ? database.Length : 0, free < threshold * 1024 * 1024 * 1024, threshold);
    }

    public async Task<ProtectedPatients> GetProtectedPatientsAsync(CancellationToken ct = default)
    {
        var found = new List<ProtectedPatient>();
        var checkedCount = 0;
        const int page = 200;
        while (checkedCount < MaxPatientsChecked)
        {
            var ids = await orthanc.GetPatientIdsAsync(checkedCount, page, ct);
            if (ids.Count == 0) break;
            foreach (var id in ids)
            {
                if (await orthanc.IsPatientProtectedAsync(id, ct))
                {
                    var patient = await orthanc.GetPatientAsync(id, ct);
                    found.Add(new(id, patient.MainDicomTags.GetValueOrDefault("PatientID"), patient.MainDicomTags.GetValueOrDefault("PatientName")));
                }
            }
            checkedCount += ids.Count;
            if (ids.Count < page) return new(found, checkedCount, false);
        }
        return new(found, checkedCount, checkedCount >= MaxPatientsChecked);
    }

    /// <summary>Saves the recycling limits into the Orthanc settings; the managed Orthanc restarts with them.</summary>
    public async Task SaveLimitsAsync(RecyclingLimits limits, Actor actor, CancellationToken ct = default)
    {
        var s = await settings.GetAsync<OrthancSettings>(ct);
        s.MaximumStorageSizeMb = limits.MaximumStorageSizeMb;
        s.MaximumPatientCount = limits.MaximumPatientCount;
        await settings.SaveAsync(s, actor, ct);
        var a = await settings.GetAsync<AdminSettings>(ct);
        if (Math.Abs(a.DiskFreeWarningGb - limits.DiskFreeWarningGb) > 0.0001)
        {
            a.DiskFreeWarningGb = limits.DiskFreeWarningGb;
            await settings.SaveAsync(a, actor, ct);
        }
    }

    /// <summary>
    /// The loaded plugins. Orthanc also lists "explorer.js" (the Orthanc Explorer extension script that plugins
    /// register, answered as JavaScript): ids ending in ".js" are not plugins.
    /// </summary>
    public async Task<IReadOnlyList<OrthancPlugin>> GetPluginsAsync(CancellationToken ct = default)
    {
        var ids = (await orthanc.GetPluginIdsAsync(ct)).Where(id => !id.EndsWith(".js", StringComparison.OrdinalIgnoreCase));
        var plugins = new List<OrthancPlugin>();
        foreach (var id in ids.Order(StringComparer.OrdinalIgnoreCase)) plugins.Add(await orthanc.GetPluginAsync(id, ct));
        return plugins;
    }
}
