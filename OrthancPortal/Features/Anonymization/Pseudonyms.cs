using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Anonymization;

/// <summary>A pseudonym table: how new pseudonyms are made for one project.</summary>
public sealed class PseudonymProject
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public PseudonymMode Mode { get; set; }
    public string Prefix { get; set; } = "";
    /// <summary>Digits of a sequential pseudonym (zero-padded) or characters of a random one.</summary>
    public int Width { get; set; } = 6;
    /// <summary>The last number handed out (sequential mode).</summary>
    public long Counter { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<PseudonymProject>
    {
        public void Configure(EntityTypeBuilder<PseudonymProject> e)
        {
            e.ToTable("PseudonymProjects");
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Prefix).HasMaxLength(32);
            e.Property(x => x.Mode).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => x.Name).IsUnique();
        }
    }
}

/// <summary>One original patient id and its pseudonym in a project (and its own date shift, for per-patient shifting).</summary>
public sealed class PseudonymEntry
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string OriginalPatientId { get; set; } = "";
    public string Pseudonym { get; set; } = "";
    public int DateShiftDays { get; set; }
    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<PseudonymEntry>
    {
        public void Configure(EntityTypeBuilder<PseudonymEntry> e)
        {
            e.ToTable("PseudonymEntries");
            e.Property(x => x.OriginalPatientId).HasMaxLength(64);
            e.Property(x => x.Pseudonym).HasMaxLength(64);
            e.HasOne<PseudonymProject>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.ProjectId, x.OriginalPatientId }).IsUnique();
            e.HasIndex(x => new { x.ProjectId, x.Pseudonym }).IsUnique();
        }
    }
}

public sealed record PseudonymMapRow(string OriginalPatientId, string Pseudonym, int DateShiftDays, DateTime CreatedAt);

/// <summary>
/// Forward lookups (made on first use) for anonymization, and the reverse map for people holding
/// ViewPseudonymMap. Every look at or export of the map is audited.
/// </summary>
public sealed class PseudonymService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private const string RandomAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public async Task<IReadOnlyList<PseudonymProject>> ProjectsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<PseudonymProject>().AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
    }

    public async Task<PseudonymProject> CreateProjectAsync(string name, PseudonymMode mode, string prefix, int width, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = new PseudonymProject { Name = name, Mode = mode, Prefix = prefix, Width = width };
        db.Add(project);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(actor, "pseudonyms.project.create", name, $"mode={mode}, prefix={prefix}, width={width}", ct: ct);
        return project;
    }

    /// <summary>The pseudonym of a patient in a project, made on first use. One writer at a time keeps sequences gap-free and unique.</summary>
    public async Task<PseudonymEntry> GetOrCreateAsync(string projectName, string originalPatientId, int maxShiftDays, CancellationToken ct = default)
    {
        await Gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var project = await db.Set<PseudonymProject>().FirstOrDefaultAsync(p => p.Name == projectName, ct)
                ?? throw new InvalidOperationException($"The pseudonym project '{projectName}' does not exist.");
            var entry = await db.Set<PseudonymEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.ProjectId == project.Id && e.OriginalPatientId == originalPatientId, ct);
            if (entry is not null) return entry;

            string pseudonym;
            do
            {
                pseudonym = project.Mode == PseudonymMode.Sequential
                    ? $"{project.Prefix}{(++project.Counter).ToString().PadLeft(project.Width, '0')}"
                    : $"{project.Prefix}{RandomNumberGenerator.GetString(RandomAlphabet, Math.Max(project.Width, 4))}";
            }
            while (await db.Set<PseudonymEntry>().AnyAsync(e => e.ProjectId == project.Id && e.Pseudonym == pseudonym, ct));

            var shift = maxShiftDays <= 0 ? 0 : RandomNumberGenerator.GetInt32(-maxShiftDays, maxShiftDays + 1);
            entry = new PseudonymEntry { ProjectId = project.Id, OriginalPatientId = originalPatientId, Pseudonym = pseudonym, DateShiftDays = shift == 0 && maxShiftDays > 0 ? 1 : shift, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Add(entry);
            await db.SaveChangesAsync(ct);
            return entry;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The reverse map (pseudonym -> original). Callers must hold ViewPseudonymMap; the look is audited.</summary>
    public async Task<IReadOnlyList<PseudonymMapRow>> ReverseMapAsync(string projectName, Actor actor, string? search = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Set<PseudonymProject>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == projectName, ct)
            ?? throw new InvalidOperationException($"The pseudonym project '{projectName}' does not exist.");
        var q = db.Set<PseudonymEntry>().AsNoTracking().Where(e => e.ProjectId == project.Id);
        if (!string.IsNullOrWhiteSpace(search)) q = q.Where(e => e.Pseudonym.Contains(search) || e.OriginalPatientId.Contains(search));
        var rows = await q.OrderBy(e => e.Id).Select(e => new PseudonymMapRow(e.OriginalPatientId, e.Pseudonym, e.DateShiftDays, e.CreatedAt)).ToListAsync(ct);
        await audit.WriteAsync(actor, "pseudonyms.view", projectName, $"{rows.Count} rows{(string.IsNullOrWhiteSpace(search) ? "" : $", search '{search}'")}", ct: ct);
        return rows;
    }

    /// <summary>
    /// The reverse map as CSV (audited as an export) for the user's spreadsheet program: the culture's separator, a
    /// BOM, and the creation time in the portal's time zone, named in the header.
    /// </summary>
    public async Task<byte[]> ExportCsvAsync(string projectName, Actor actor, System.Globalization.CultureInfo culture, TimeProvider clock, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Set<PseudonymProject>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == projectName, ct)
            ?? throw new InvalidOperationException($"The pseudonym project '{projectName}' does not exist.");
        var rows = await db.Set<PseudonymEntry>().AsNoTracking().Where(e => e.ProjectId == project.Id).OrderBy(e => e.Id).ToListAsync(ct);
        using var buffer = new MemoryStream();
        using (var csv = CsvHelper.CsvWriter.Create(buffer, CsvFormat.WriterOptions(culture), leaveOpen: true))
        {
            csv.WriteRecord(["Pseudonym", "OriginalPatientID", "DateShiftDays", $"Created ({clock.LocalTimeZone.Id})"]);
            // The ids come from DICOM: a spreadsheet must show them, not run them.
            foreach (var r in rows)
            {
                csv.WriteRecord([CsvCells.Neutralize(r.Pseudonym), CsvCells.Neutralize(r.OriginalPatientId),
                    r.DateShiftDays.ToString(culture), Infrastructure.Time.PortalTime.ToLocal(clock, r.CreatedAt).ToString("G", culture)]);
            }
        }
        await audit.WriteAsync(actor, "pseudonyms.export", projectName, $"{rows.Count} rows", ct: ct);
        return buffer.ToArray();
    }
}
