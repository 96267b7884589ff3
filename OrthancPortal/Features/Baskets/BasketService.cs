using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Baskets;

/// <summary>
/// The per-user Anonymize / Export / Delete baskets. Other features call <see cref="AddAsync"/> (or drop in the
/// <c>AddToBasket</c> component) for patients, studies and series they show.
/// </summary>
public sealed class BasketService(IDbContextFactory<PortalDbContext> dbFactory, OrthancClient orthanc, LiveNotifier notifier, TimeProvider clock)
{
    public const int MaxItems = 5000;

    public static string? UserIdOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>Adds resources (already present ones are ignored). Returns how many were new.</summary>
    public async Task<int> AddAsync(string userId, BasketKind kind, IEnumerable<ResourceRef> resources, CancellationToken ct = default)
    {
        var list = resources.DistinctBy(r => r.OrthancId).ToList();
        foreach (var r in list) OrthancClient.Id(r.OrthancId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = list.Select(r => r.OrthancId).ToList();
        var present = await db.Set<BasketItem>().Where(b => b.UserId == userId && b.Kind == kind && ids.Contains(b.OrthancId)).Select(b => b.OrthancId).ToListAsync(ct);
        var count = await db.Set<BasketItem>().CountAsync(b => b.UserId == userId && b.Kind == kind, ct);
        var added = 0;
        foreach (var r in list.Where(r => !present.Contains(r.OrthancId)))
        {
            if (count + added >= MaxItems) throw new InvalidOperationException($"A basket holds at most {MaxItems} items.");
            db.Add(new BasketItem { UserId = userId, Kind = kind, Level = r.Level, OrthancId = r.OrthancId, Label = await LabelAsync(r, ct), AddedAt = clock.GetUtcNow().UtcDateTime });
            added++;
        }
        await db.SaveChangesAsync(ct);
        if (added > 0) notifier.Publish(new BasketChanged(userId, kind));
        return added;
    }

    public async Task RemoveAsync(string userId, BasketKind kind, IEnumerable<string> orthancIds, CancellationToken ct = default)
    {
        var ids = orthancIds.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<BasketItem>().Where(b => b.UserId == userId && b.Kind == kind && ids.Contains(b.OrthancId)).ExecuteDeleteAsync(ct);
        notifier.Publish(new BasketChanged(userId, kind));
    }

    public async Task ClearAsync(string userId, BasketKind kind, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<BasketItem>().Where(b => b.UserId == userId && b.Kind == kind).ExecuteDeleteAsync(ct);
        notifier.Publish(new BasketChanged(userId, kind));
    }

    public async Task<IReadOnlyDictionary<BasketKind, int>> CountsAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.Set<BasketItem>().Where(b => b.UserId == userId).GroupBy(b => b.Kind)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return Enum.GetValues<BasketKind>().ToDictionary(k => k, k => counts.FirstOrDefault(c => c.Key == k)?.Count ?? 0);
    }

    public async Task<IReadOnlyList<BasketItem>> ItemsAsync(string userId, BasketKind kind, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<BasketItem>().AsNoTracking().Where(b => b.UserId == userId && b.Kind == kind).OrderBy(b => b.Id).ToListAsync(ct);
    }

    /// <summary>The basket with each entry looked up in Orthanc; a resource deleted meanwhile shows as missing.</summary>
    public async Task<IReadOnlyList<BasketEntry>> ListAsync(string userId, BasketKind kind, CancellationToken ct = default)
    {
        var entries = new List<BasketEntry>();
        foreach (var item in await ItemsAsync(userId, kind, ct)) entries.Add(await ResolveAsync(item, ct));
        return entries;
    }

    private async Task<BasketEntry> ResolveAsync(BasketItem item, CancellationToken ct)
    {
        try
        {
            switch (item.Level)
            {
                case ResourceLevel.Patient:
                    var p = await orthanc.GetPatientAsync(item.OrthancId, ct);
                    return new(item.Id, item.Level, item.OrthancId, item.Label, false, p.Tag("PatientName"), p.Tag("PatientID"), "", $"{p.Studies.Count} studies", "", "");
                case ResourceLevel.Series:
                    var s = await orthanc.GetSeriesAsync(item.OrthancId, ct);
                    var parent = await orthanc.GetStudyAsync(s.ParentStudy, ct);
                    return new(item.Id, item.Level, item.OrthancId, item.Label, false, parent.Tag("PatientName"), parent.Tag("PatientID"), parent.Tag("StudyDate"),
                        $"{parent.Tag("StudyDescription")} / {s.Tag("SeriesDescription")}", parent.Tag("AccessionNumber"), s.Tag("Modality"));
                default:
                    var st = await orthanc.GetStudyAsync(item.OrthancId, ct);
                    return new(item.Id, item.Level, item.OrthancId, item.Label, false, st.Tag("PatientName"), st.Tag("PatientID"), st.Tag("StudyDate"),
                        st.Tag("StudyDescription"), st.Tag("AccessionNumber"), st.Tag("ModalitiesInStudy"));
            }
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            return new(item.Id, item.Level, item.OrthancId, item.Label, true, "", "", "", "", "", "");
        }
    }

    private async Task<string> LabelAsync(ResourceRef r, CancellationToken ct)
    {
        try
        {
            var label = r.Level switch
            {
                ResourceLevel.Patient => (await orthanc.GetPatientAsync(r.OrthancId, ct)) is var p ? $"{p.Tag("PatientName")} ({p.Tag("PatientID")})" : "",
                ResourceLevel.Series => (await orthanc.GetSeriesAsync(r.OrthancId, ct)) is var s ? $"{s.Tag("Modality")} {s.Tag("SeriesDescription")}" : "",
                _ => (await orthanc.GetStudyAsync(r.OrthancId, ct)) is var st ? $"{st.Tag("PatientName")} {st.Tag("StudyDate")} {st.Tag("StudyDescription")}" : "",
            };
            return label.Length > 256 ? label[..256] : label;
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            throw new InvalidOperationException($"Orthanc has no {r.Level.ToString().ToLowerInvariant()} {r.OrthancId}.");
        }
    }

    /// <summary>Resolves basket items to the studies they stand for (a patient becomes all its studies).</summary>
    public async Task<IReadOnlyList<ResourceRef>> StudiesOfAsync(IEnumerable<ResourceRef> items, CancellationToken ct = default)
    {
        var result = new List<ResourceRef>();
        foreach (var item in items)
        {
            if (item.Level == ResourceLevel.Patient)
            {
                result.AddRange((await orthanc.GetPatientStudiesAsync(item.OrthancId, ct)).Select(s => new ResourceRef(ResourceLevel.Study, s.ID)));
            }
            else
            {
                result.Add(item);
            }
        }
        return result.DistinctBy(r => r.OrthancId).ToList();
    }
}
