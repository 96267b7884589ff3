using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Shares;

/// <summary>
/// What the landing page <c>/s/{token}</c> shows: the shared studies with their viewer links, or why the link no longer
/// opens anything. A valid open counts, is audited as <c>share.open</c>, and sets the share cookie the viewers then send.
/// </summary>
public sealed class ShareLanding(IDbContextFactory<PortalDbContext> dbFactory, ViewerShares shares, OrthancClient orthanc, AuditLog audit,
    ActorContext actors, TimeProvider clock, ILogger<ShareLanding> logger)
{
    public const string OpenAction = "share.open";

    public enum Outcome { Open, Unknown, Expired, Revoked }

    public sealed record SeriesLink(string Id, string Modality, string Description, int Instances);
    public sealed record StudyLink(string StudyId, string StudyUid, string Label, IReadOnlyList<SeriesLink> Series, bool Missing);
    public sealed record Result(Outcome Outcome, string Sharer, DateTime? ExpiresAt, bool AllowDownload, string? Note, IReadOnlyList<StudyLink> Studies);

    public async Task<Result> OpenAsync(HttpContext http, string token, CancellationToken ct)
    {
        var share = token.Length is > 0 and <= 128 ? await shares.FindValidAsync(token, ct) : null;
        if (share is null)
        {
            ShareCookie.Clear(http);
            return await WhyNotAsync(token, ct);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // One statement, so two visitors opening at once both count.
            await db.Set<Share>().Where(s => s.Id == share.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.OpenCount, s => s.OpenCount + 1).SetProperty(s => s.LastOpenedAt, now), ct);
        }
        await audit.WriteAsync(ViewerShares.ActorOf(share.Id, actors.Address), OpenAction, $"share/{share.Id}",
            $"shared by {share.CreatedByUserName}; {share.Studies.Count} stud{(share.Studies.Count == 1 ? "y" : "ies")}", ct: ct);
        ShareCookie.Set(http, token, share.ExpiresAt);

        var studies = new List<StudyLink>();
        foreach (var study in share.Studies.OrderBy(s => s.Id))
        {
            try
            {
                var series = (await orthanc.GetStudySeriesAsync(study.OrthancStudyId, ct))
                    .Select(s => new SeriesLink(s.ID, s.MainDicomTags.GetValueOrDefault("Modality") ?? "", s.MainDicomTags.GetValueOrDefault("SeriesDescription") ?? "", s.Instances.Count))
                    .ToList();
                studies.Add(new StudyLink(study.OrthancStudyId, study.StudyInstanceUid, study.Label, series, Missing: false));
            }
            catch (OrthancException ex)
            {
                // Deleted since it was shared, or Orthanc is down: the page says the study cannot be shown.
                logger.LogWarning("Share {Share}: study {Study} is not available: {Reason}", share.Id, study.OrthancStudyId, ex.Message);
                studies.Add(new StudyLink(study.OrthancStudyId, study.StudyInstanceUid, study.Label, [], Missing: true));
            }
        }
        return new Result(Outcome.Open, share.CreatedByUserName, share.ExpiresAt, share.AllowDownload, share.Note, studies);
    }

    private async Task<Result> WhyNotAsync(string token, CancellationToken ct)
    {
        var hash = ShareService.HashToken(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var known = await db.Set<Share>().AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (known is null) return new Result(Outcome.Unknown, "", null, false, null, []);
        var outcome = known.RevokedAt is not null ? Outcome.Revoked : Outcome.Expired;
        await audit.WriteAsync(ViewerShares.ActorOf(known.Id, actors.Address), OpenAction, $"share/{known.Id}",
            $"shared by {known.CreatedByUserName}; refused: {(outcome == Outcome.Revoked ? "revoked" : "expired or its sharer is disabled")}", success: false, ct: ct);
        return new Result(outcome, known.CreatedByUserName, known.ExpiresAt, false, null, []);
    }
}
