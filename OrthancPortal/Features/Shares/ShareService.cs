using System.Security.Cryptography;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Shares;

/// <summary>
/// Creates, lists and revokes share links. Creating needs <see cref="Permissions.Share"/>, and every study must be one
/// the sharer may see (<see cref="StudyAccess"/>: a label-limited sharer shares only labelled studies). The token is
/// shown once, in the link; only its SHA-256 is stored. Everything is audited under the sharer.
/// </summary>
public sealed class ShareService(
    IDbContextFactory<PortalDbContext> dbFactory,
    OrthancClient orthanc,
    StudyAccess access,
    PermissionGuard guard,
    BasketService baskets,
    SettingsStore settings,
    AuditLog audit,
    TimeProvider clock,
    IStringLocalizer<ShareService> L)
{
    public const int MaxStudies = 200;
    public const string CreateAction = "share.create";
    public const string RevokeAction = "share.revoke";

    /// <param name="StudyIds">Orthanc study ids; ignored when <paramref name="FromBasket"/>.</param>
    /// <param name="FromBasket">Share the studies of the sharer's export basket (patients become their studies, series their study).</param>
    public sealed record CreateRequest(IReadOnlyList<string>? StudyIds, bool FromBasket, int ValidDays, bool AllowDownload, string? Note);

    /// <summary>The new share; <see cref="Path"/> (<c>/s/{token}</c>) is the only time the token is seen.</summary>
    public sealed record Created(long Id, string Path, DateTime ExpiresAt, int Studies);

    public sealed record Row(long Id, string Sharer, DateTime CreatedAt, DateTime ExpiresAt, bool AllowDownload, string? Note,
        DateTime? RevokedAt, string? RevokedBy, int OpenCount, DateTime? LastOpenedAt, IReadOnlyList<string> Studies, bool Expired);

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public async Task<Created> CreateAsync(CreateRequest request, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Share);
        var user = await guard.UserAsync();
        var userId = BasketService.UserIdOf(user) ?? throw new UnauthorizedAccessException(L["Sign in to share studies."]);
        var limits = await settings.GetAsync<ShareSettings>(ct);
        if (request.ValidDays < 1 || request.ValidDays > limits.MaxDays)
        {
            throw Invalid(nameof(request.ValidDays), L["A share link is valid for 1 to {0} days (the limit an admin set).", limits.MaxDays]);
        }
        if (request.Note is { Length: > 500 }) throw Invalid(nameof(request.Note), L["The note is at most 500 characters."]);

        var ids = request.FromBasket ? await BasketStudiesAsync(userId, ct) : (request.StudyIds ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) throw Invalid(nameof(request.StudyIds), request.FromBasket ? L["Your export basket holds no studies to share."] : L["Choose a study to share."]);
        if (ids.Count > MaxStudies) throw Invalid(nameof(request.StudyIds), L["A share link holds at most {0} studies.", MaxStudies]);

        var studies = new List<ShareStudy>();
        foreach (var id in ids)
        {
            OrthancClient.Id(id);
            await access.RequireAsync(ResourceLevel.Study, id, ct: ct);
            var study = await orthanc.GetStudyAsync(id, ct);
            var label = string.Join(ShareStudy.LabelSeparator, study.Tag("PatientName"), study.Tag("StudyDate"), study.Tag("StudyDescription"));
            studies.Add(new ShareStudy { OrthancStudyId = id, StudyInstanceUid = study.Tag("StudyInstanceUID"), Label = label.Length > 256 ? label[..256] : label });
        }

        // 256 random bits, as for the session keys.
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var share = new Share
        {
            TokenHash = HashToken(token),
            CreatedByUserId = userId,
            CreatedByUserName = user.Identity?.Name ?? "?",
            CreatedAt = now,
            ExpiresAt = now.AddDays(request.ValidDays),
            AllowDownload = request.AllowDownload,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            Studies = studies,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Add(share);
            await db.SaveChangesAsync(ct);
        }
        await audit.WriteAsync(CreateAction, $"share/{share.Id}",
            $"{studies.Count} stud{(studies.Count == 1 ? "y" : "ies")} ({string.Join(", ", studies.Select(s => s.OrthancStudyId))}) until {share.ExpiresAt:u}, download {(share.AllowDownload ? "allowed" : "not allowed")}", ct: ct);
        return new Created(share.Id, $"s/{token}", share.ExpiresAt, studies.Count);
    }

    /// <summary>A sharer sees their own shares; an admin sees everyone's.</summary>
    public async Task<IReadOnlyList<Row>> ListAsync(CancellationToken ct = default)
    {
        var user = await guard.UserAsync();
        var userId = BasketService.UserIdOf(user) ?? throw new UnauthorizedAccessException(L["Sign in to see shares."]);
        var all = user.HasClaim(Permissions.ClaimType, Permissions.Admin);
        if (!all && !user.HasClaim(Permissions.ClaimType, Permissions.Share)) throw new UnauthorizedAccessException(L["You need the '{0}' permission to see shares.", Permissions.Share]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shares = await db.Set<Share>().AsNoTracking().Include(s => s.Studies)
            .Where(s => all || s.CreatedByUserId == userId)
            .OrderByDescending(s => s.CreatedAt).Take(1000).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return shares.Select(s => new Row(s.Id, s.CreatedByUserName, s.CreatedAt, s.ExpiresAt, s.AllowDownload, s.Note, s.RevokedAt, s.RevokedBy,
            s.OpenCount, s.LastOpenedAt, s.Studies.Select(x => x.Label.Trim().Length > 0 ? ShareStudy.DisplayLabel(x.Label) : x.StudyInstanceUid).ToList(), s.ExpiresAt <= now)).ToList();
    }

    /// <summary>Ends a share at once (its next request is refused). Its sharer or an admin may.</summary>
    public async Task RevokeAsync(long id, CancellationToken ct = default)
    {
        var user = await guard.UserAsync();
        var userId = BasketService.UserIdOf(user) ?? throw new UnauthorizedAccessException(L["Sign in to revoke shares."]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var share = await db.Set<Share>().FirstOrDefaultAsync(s => s.Id == id, ct)
                    ?? throw new OrthancException(OrthancFailure.NotFound, L["There is no share {0}.", id]);
        var isAdmin = user.HasClaim(Permissions.ClaimType, Permissions.Admin);
        if (share.CreatedByUserId != userId && !isAdmin) throw new UnauthorizedAccessException(L["Only its sharer or an admin can revoke a share."]);
        if (share.RevokedAt is not null) return;
        share.RevokedAt = clock.GetUtcNow().UtcDateTime;
        share.RevokedBy = user.Identity?.Name ?? "?";
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(RevokeAction, $"share/{id}", $"shared by {share.CreatedByUserName}", ct: ct);
    }

    private async Task<List<string>> BasketStudiesAsync(string userId, CancellationToken ct)
    {
        var items = await baskets.ItemsAsync(userId, BasketKind.Export, ct);
        var refs = await baskets.StudiesOfAsync(items.Select(i => new ResourceRef(i.Level, i.OrthancId)), ct);
        var ids = new List<string>();
        foreach (var r in refs)
        {
            ids.Add(r.Level == ResourceLevel.Study ? r.OrthancId : await orthanc.GetParentStudyIdAsync(r.Level, r.OrthancId, ct));
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    private static ValidationException Invalid(string property, string message) => new(message, [new ValidationFailure(property, message)]);
}
