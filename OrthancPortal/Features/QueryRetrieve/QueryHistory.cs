using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>
/// Each query a user sends to a remote is audited as <c>qr.query</c> (who asked which remote for what); the query page
/// preselects the remote of that user's last successful query. The audit log already holds that fact, so no separate
/// preference row can drift from it.
/// </summary>
public sealed class QueryHistory(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    public const string Action = "qr.query";
    private const string Prefix = "modality:";

    public Task RecordAsync(Actor actor, string modality, QueryCriteria criteria, int answers, string? error = null, CancellationToken ct = default)
    {
        var asked = string.Join(", ", new[]
        {
            ("PatientName", criteria.PatientName), ("PatientID", criteria.PatientId), ("AccessionNumber", criteria.AccessionNumber),
            ("StudyDescription", criteria.StudyDescription), ("ModalitiesInStudy", criteria.Modalities), ("StudyDate", criteria.DicomDateRange),
        }.Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={p.Item2.Trim()}"));
        var details = error is null ? $"{(asked.Length == 0 ? "all studies" : asked)}: {answers} answers" : $"{asked}: {error}";
        return audit.WriteAsync(actor, Action, Prefix + modality, details, success: error is null, ct: CancellationToken.None);
    }

    /// <summary>The remote this user last queried successfully, or null.</summary>
    public async Task<string?> LastModalityAsync(string? userId, CancellationToken ct = default)
    {
        if (userId is null) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var resource = await db.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.UserId == userId && e.Action == Action && e.Success)
            .OrderByDescending(e => e.Id).Select(e => e.Resource).FirstOrDefaultAsync(ct);
        return resource is not null && resource.StartsWith(Prefix, StringComparison.Ordinal) ? resource[Prefix.Length..] : null;
    }
}
