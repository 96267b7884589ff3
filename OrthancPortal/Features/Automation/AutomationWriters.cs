using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Features.Automation;

/// <summary>A failure whose message is the reason shown in the run log as it is.</summary>
public sealed class AutomationRunException(string reason) : Exception(reason);

/// <summary>
/// Writes a study or series as files, so that a program watching the output never sees half of it: everything goes
/// into "&lt;dir&gt;.WORKING" first, and only a complete folder is renamed to its final name. An existing folder of
/// the same name (an earlier run) is moved aside and deleted only after the new one is in place.
/// </summary>
public sealed class StudyFolderWriter(OrthancClient orthanc)
{
    public async Task<string> WriteAsync(RuleTarget target, string ruleFolder, int? uid, int? gid, CancellationToken ct)
    {
        var final = PathSanitizer.Combine(ruleFolder, DownloadLayout.TargetName(target));
        var working = final + DownloadLayout.WorkingSuffix;
        PathSanitizer.EnsureInside(ruleFolder, working);
        // A crash in an earlier attempt can leave a working folder: it is incomplete by definition.
        if (Directory.Exists(working)) Directory.Delete(working, recursive: true);
        Directory.CreateDirectory(working);
        try
        {
            foreach (var series in target.Series)
            {
                var seriesFolder = PathSanitizer.Combine(working, DownloadLayout.SeriesFolderName(series));
                Directory.CreateDirectory(seriesFolder);
                foreach (var instance in await orthanc.GetSeriesInstancesAsync(series.ID, ct))
                {
                    var path = PathSanitizer.Combine(seriesFolder, DownloadLayout.InstanceFileName(instance));
                    using var response = await orthanc.GetInstanceFileAsync(instance.ID, ct);
                    await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                    await response.Content.CopyToAsync(file, ct);
                }
            }
            FileOwnership.Apply(working, uid, gid);
            Replace(working, final);
            return final;
        }
        catch
        {
            TryDelete(working);
            throw;
        }
    }

    private static void Replace(string working, string final)
    {
        if (!Directory.Exists(final))
        {
            Directory.Move(working, final);
            return;
        }
        var old = $"{final}.OLD-{Guid.NewGuid():N}";
        Directory.Move(final, old);
        Directory.Move(working, final);
        TryDelete(old);
    }

    private static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One zip per study or series, streamed from Orthanc's archive route into a temp name and renamed when complete.</summary>
public sealed class StudyZipWriter(OrthancClient orthanc)
{
    public async Task<string> WriteAsync(RuleTarget target, string ruleFolder, int? uid, int? gid, CancellationToken ct)
    {
        var path = PathSanitizer.Combine(ruleFolder, DownloadLayout.TargetName(target) + ".zip");
        await AtomicFile.WriteAsync(path, async stream =>
        {
            using var response = await orthanc.GetArchiveAsync(target.Level, target.ResourceId, ct);
            await response.Content.CopyToAsync(stream, ct);
        }, ct);
        FileOwnership.Apply(path, uid, gid);
        return path;
    }
}
