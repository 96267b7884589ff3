using System.Globalization;
using CsvHelper;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Text;
using OrthancPortal.Infrastructure.Time;

namespace OrthancPortal.Features.Admin;

/// <summary>What the audit page filters by. Dates are local calendar days, both inclusive.</summary>
public sealed record AuditFilter(string? User = null, string? Action = null, string? Resource = null, DateOnly? From = null, DateOnly? To = null)
{
    public sealed class Validator : AbstractValidator<AuditFilter>
    {
        public Validator()
        {
            RuleFor(x => x.User).MaximumLength(256);
            RuleFor(x => x.Action).MaximumLength(128);
            RuleFor(x => x.Resource).MaximumLength(512);
            RuleFor(x => x).Must(f => f.From is null || f.To is null || f.From <= f.To).WithMessage("The start date is after the end date.");
        }
    }
}

public sealed record AuditPage(IReadOnlyList<AuditEntry> Rows, int Total);

/// <summary>
/// Reads the append-only audit log: filtered pages for the page, and a streamed CSV export. It has no way to
/// change or remove an entry (the database refuses it too, with triggers).
/// </summary>
public sealed class AuditQueryService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <param name="sortBy">"UserName", "Action" or "Resource"; anything else sorts by time.</param>
    /// <param name="descending">Newest (or Z) first; the default is newest first.</param>
    public async Task<AuditPage> PageAsync(AuditFilter filter, int skip, int take, CancellationToken ct = default, string? sortBy = null, bool descending = true)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Apply(db.Set<AuditEntry>().AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        IOrderedQueryable<AuditEntry> ordered = (sortBy, descending) switch
        {
            (nameof(AuditEntry.UserName), false) => query.OrderBy(e => e.UserName),
            (nameof(AuditEntry.UserName), true) => query.OrderByDescending(e => e.UserName),
            (nameof(AuditEntry.Action), false) => query.OrderBy(e => e.Action),
            (nameof(AuditEntry.Action), true) => query.OrderByDescending(e => e.Action),
            (nameof(AuditEntry.Resource), false) => query.OrderBy(e => e.Resource),
            (nameof(AuditEntry.Resource), true) => query.OrderByDescending(e => e.Resource),
            (_, false) => query.OrderBy(e => e.At),
            _ => query.OrderByDescending(e => e.At),
        };
        // Entries of the same second (or the same user) keep their order across pages.
        ordered = descending ? ordered.ThenByDescending(e => e.Id) : ordered.ThenBy(e => e.Id);
        var rows = await ordered.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new(rows, total);
    }

    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AuditEntry>().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
    }

    /// <summary>
    /// Writes the matching entries as CSV, row by row from the database, never holding them all in memory. The
    /// culture decides the separator (';' in German) and the time format; times are in the portal's time zone, whose
    /// name is in the header; a BOM lets spreadsheet programs read umlauts right.
    /// </summary>
    public async Task WriteCsvAsync(AuditFilter filter, Stream output, CultureInfo culture, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Apply(db.Set<AuditEntry>().AsNoTracking(), filter).OrderBy(e => e.At).ThenBy(e => e.Id);
        await using var csv = CsvWriter.Create(output, CsvFormat.WriterOptions(culture), true);
        await csv.WriteRecordAsync(["Id", $"At ({clock.LocalTimeZone.Id})", "User", "Address", "Action", "Resource", "Success", "Details"], ct);
        var count = 0;
        await foreach (var e in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            await csv.WriteRecordAsync(
            [
                e.Id.ToString(CultureInfo.InvariantCulture),
                clock.ToLocal(e.At).ToString("G", culture),
                Defuse(e.UserName) ?? "",
                e.Address ?? "",
                Defuse(e.Action) ?? "",
                Defuse(e.Resource) ?? "",
                e.Success ? "yes" : "no",
                Defuse(e.Details) ?? "",
            ], ct);
            if (++count % 500 == 0) await csv.FlushAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    // User names, resources and details come from users and DICOM: a spreadsheet must show them, not run them.
    private static string? Defuse(string? value) => CsvCells.NeutralizeOrNull(value);

    private IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> query, AuditFilter f)
    {
        if (!string.IsNullOrWhiteSpace(f.User)) query = query.Where(e => e.UserName == f.User.Trim());
        if (!string.IsNullOrWhiteSpace(f.Action)) query = query.Where(e => e.Action.Contains(f.Action.Trim()));
        if (!string.IsNullOrWhiteSpace(f.Resource)) query = query.Where(e => e.Resource.Contains(f.Resource.Trim()));
        if (f.From is { } from) { var start = ToUtc(from); query = query.Where(e => e.At >= start); }
        if (f.To is { } to) { var end = ToUtc(to.AddDays(1)); query = query.Where(e => e.At < end); }
        return query;
    }

    private DateTime ToUtc(DateOnly day)
        => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), clock.LocalTimeZone);
}
