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

    /// <summary>How many Orthanc look-ups run at once when a page of the basket (or a batch being added) is looked up.</summary>
    private const int LookupParallelism = 4;

    /// <summary>Adds resources (already present ones are ignored). Returns how many were new.</summary>
    public async Task<int> AddAsync(string userId, BasketKind kind, IEnumerable<ResourceRef> resources, CancellationToken ct = default)
    {
        var list = resources.DistinctBy(r => r.OrthancId).ToList();
        foreach (var r in list) OrthancClient.Id(r.OrthancId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = list.Select(r => r.OrthancId).ToList();
        var present = await db.Set<BasketItem>().Where(b => b.UserId == userId && b.Kind == kind && ids.Contains(b.OrthancId)).Select(b => b.OrthancId).ToListAsync(ct);
        var count = await db.Set<BasketItem>().CountAsync(b => b.UserId == userId && b.Kind == kind, ct);
        var added = list.Where(r => !present.Contains(r.OrthancId)).ToList();
        if (count + added.Count > MaxItems) throw new InvalidOperationException($"A basket holds at most {MaxItems} items.");
        // What the grid sorts by is stored with the entry, so it is looked up here once (a few at a time).
        var details = new ResourceDetails[added.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, added.Count), new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = ct },
            async (i, token) =>
            {
                try { details[i] = await DescribeAsync(added[i].Level, added[i].OrthancId, token); }
                catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
                {
                    throw new InvalidOperationException($"Orthanc has no {added[i].Level.ToString().ToLowerInvariant()} {added[i].OrthancId}.");
                }
            });
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < added.Count; i++)
        {
            var item = new BasketItem { UserId = userId, Kind = kind, Level = added[i].Level, OrthancId = added[i].OrthancId, Label = details[i].Label, AddedAt = now };
            details[i].CopyTo(item);
            db.Add(item);
        }
        await db.SaveChangesAsync(ct);
        if (added.Count > 0) notifier.Publish(new BasketChanged(userId, kind));
        return added.Count;
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

    /// <summary>The whole basket as stored (no Orthanc look-up): what the basket's actions work on.</summary>
    public async Task<IReadOnlyList<BasketItem>> ItemsAsync(string userId, BasketKind kind, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<BasketItem>().AsNoTracking().Where(b => b.UserId == userId && b.Kind == kind).OrderBy(b => b.Id).ToListAsync(ct);
    }

    /// <summary>The grid's sort columns, named like <see cref="BasketEntry"/>'s properties; by default the order they were added in.</summary>
    private static readonly SortKeys<BasketItem> Sort = new SortKeys<BasketItem>(q => q.OrderBy(b => b.Id), q => q.ThenBy(b => b.Id))
        .Add(nameof(BasketEntry.Level), b => b.Level)
        .Add(nameof(BasketEntry.PatientName), b => b.PatientName)
        .Add(nameof(BasketEntry.PatientId), b => b.PatientId)
        .Add(nameof(BasketEntry.StudyDate), b => b.StudyDate)
        .Add(nameof(BasketEntry.StudyDescription), b => b.Description)
        .Add(nameof(BasketEntry.Accession), b => b.Accession)
        .Add(nameof(BasketEntry.Modalities), b => b.Modalities)
        .Add(nameof(BasketEntry.AddedAt), b => b.AddedAt);

    /// <summary>
    /// One page of the basket, paged and sorted in the database; only the page's entries are looked up in Orthanc (a few
    /// at a time). A resource deleted meanwhile shows as missing; values Orthanc changed meanwhile are stored again.
    /// </summary>
    public async Task<PageOf<BasketEntry>> PageAsync(string userId, BasketKind kind, PageRequest request, CancellationToken ct = default)
    {
        PageOf<BasketItem> page;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            page = await db.Set<BasketItem>().AsNoTracking().Where(b => b.UserId == userId && b.Kind == kind).ToPageAsync(request, Sort, ct);
        }
        return new PageOf<BasketEntry>(await ResolveAsync(page.Items, ct), page.Total);
    }

    /// <summary>The whole basket, each entry looked up in Orthanc; a resource deleted meanwhile shows as missing.</summary>
    public async Task<IReadOnlyList<BasketEntry>> ListAsync(string userId, BasketKind kind, CancellationToken ct = default)
        => await ResolveAsync(await ItemsAsync(userId, kind, ct), ct);

    private async Task<IReadOnlyList<BasketEntry>> ResolveAsync(IReadOnlyList<BasketItem> items, CancellationToken ct)
    {
        var found = new ResourceDetails?[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = ct },
            async (i, token) =>
            {
                try { found[i] = await DescribeAsync(items[i].Level, items[i].OrthancId, token); }
                catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { found[i] = null; }
            });
        await StoreChangedAsync(items, found, ct);
        return items.Select((item, i) => found[i] is { } d
            ? new BasketEntry(item.Id, item.Level, item.OrthancId, item.Label, false, d.PatientName, d.PatientId, d.StudyDate, d.Description, d.Accession, d.Modalities, item.AddedAt, d.StudyCount)
            : new BasketEntry(item.Id, item.Level, item.OrthancId, item.Label, true, item.PatientName, item.PatientId, item.StudyDate, item.Description, item.Accession, item.Modalities, item.AddedAt, item.StudyCount))
            .ToList();
    }

    /// <summary>Keeps the stored sort values true when a resource was modified in Orthanc after it was added (and fills entries stored before they were kept).</summary>
    private async Task StoreChangedAsync(IReadOnlyList<BasketItem> items, ResourceDetails?[] found, CancellationToken ct)
    {
        var changed = items.Select((item, i) => (item, d: found[i])).Where(x => x.d is { } d && !d.Matches(x.item)).ToList();
        if (changed.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var (item, d) in changed)
        {
            // ExecuteUpdate: an entry removed meanwhile is simply not updated.
            await db.Set<BasketItem>().Where(b => b.Id == item.Id).ExecuteUpdateAsync(u => u
                .SetProperty(b => b.PatientName, d!.PatientName).SetProperty(b => b.PatientId, d.PatientId).SetProperty(b => b.StudyDate, d.StudyDate)
                .SetProperty(b => b.Description, d.Description).SetProperty(b => b.Accession, d.Accession).SetProperty(b => b.Modalities, d.Modalities)
                .SetProperty(b => b.StudyCount, d.StudyCount), ct);
        }
    }

    /// <summary>What a basket entry shows of its resource, cut to the stored column lengths.</summary>
    private sealed record ResourceDetails(string PatientName, string PatientId, string StudyDate, string Description, string Accession, string Modalities, int? StudyCount, string Label)
    {
        public static ResourceDetails Of(string patientName, string patientId, string studyDate, string description, string accession, string modalities, int? studyCount, string label)
            => new(Clip(patientName, 256), Clip(patientId, 64), Clip(studyDate, 16), Clip(description, 256), Clip(accession, 64), Clip(modalities, 64), studyCount, Clip(label, 256));

        private static string Clip(string value, int length) => value.Length > length ? value[..length] : value;

        public void CopyTo(BasketItem item)
        {
            item.PatientName = PatientName; item.PatientId = PatientId; item.StudyDate = StudyDate; item.Description = Description;
            item.Accession = Accession; item.Modalities = Modalities; item.StudyCount = StudyCount;
        }

        public bool Matches(BasketItem item)
            => item.PatientName == PatientName && item.PatientId == PatientId && item.StudyDate == StudyDate && item.Description == Description
                && item.Accession == Accession && item.Modalities == Modalities && item.StudyCount == StudyCount;
    }

    /// <exception cref="OrthancException">With <see cref="OrthancFailure.NotFound"/> when Orthanc does not have the resource.</exception>
    private async Task<ResourceDetails> DescribeAsync(ResourceLevel level, string orthancId, CancellationToken ct)
    {
        switch (level)
        {
            case ResourceLevel.Patient:
                var p = await orthanc.GetPatientAsync(orthancId, ct);
                return ResourceDetails.Of(p.Tag("PatientName"), p.Tag("PatientID"), "", "", "", "", p.Studies.Count, $"{p.Tag("PatientName")} ({p.Tag("PatientID")})");
            case ResourceLevel.Series:
                var s = await orthanc.GetSeriesAsync(orthancId, ct);
                var parent = await orthanc.GetStudyAsync(s.ParentStudy, ct);
                return ResourceDetails.Of(parent.Tag("PatientName"), parent.Tag("PatientID"), parent.Tag("StudyDate"), $"{parent.Tag("StudyDescription")} / {s.Tag("SeriesDescription")}",
                    parent.Tag("AccessionNumber"), s.Tag("Modality"), null, $"{s.Tag("Modality")} {s.Tag("SeriesDescription")}");
            default:
                var st = await orthanc.GetStudyAsync(orthancId, ct);
                return ResourceDetails.Of(st.Tag("PatientName"), st.Tag("PatientID"), st.Tag("StudyDate"), st.Tag("StudyDescription"), st.Tag("AccessionNumber"),
                    st.Tag("ModalitiesInStudy"), null, $"{st.Tag("PatientName")} {st.Tag("StudyDate")} {st.Tag("StudyDescription")}");
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
