using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>
/// The portal Orthanc's own AE title, the target of every C-MOVE. Asked from /system at most once a minute,
/// so a robot does not pay an extra round trip per study; a changed AET is picked up within that minute.
/// </summary>
public sealed class OwnAetCache(TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private (string Aet, DateTimeOffset At)? cached;

    public async Task<string> GetAsync(OrthancClient orthanc, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (cached is { } c && now - c.At < MaxAge) return c.Aet;
        var aet = (await orthanc.GetSystemAsync(ct)).DicomAet;
        cached = (aet, now);
        return aet;
    }
}
