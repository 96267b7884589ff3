using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Worklists;

/// <summary>A scheduled examination, published to modalities as a .wl file named after its accession number.</summary>
public sealed class WorklistEntry
{
    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as WorklistEntry)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    public string AccessionNumber { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string LastName { get; set; } = "";
    public string FirstName { get; set; } = "";
    /// <summary>DICOM date yyyyMMdd.</summary>
    public string BirthDate { get; set; } = "";
    /// <summary>M, F or O.</summary>
    public string Sex { get; set; } = "O";
    public string Modality { get; set; } = "";
    public string StationAet { get; set; } = "";
    public string Procedure { get; set; } = "";
    /// <summary>DICOM person name, Last^First.</summary>
    public string Physician { get; set; } = "";
    /// <summary>Local wall-clock time, as DICOM schedules are (not UTC).</summary>
    public DateTime ScheduledAt { get; set; }
    public string StudyInstanceUid { get; set; } = "";
    public string FileName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string? WebhookResult { get; set; }

    public string PatientName => string.IsNullOrEmpty(FirstName) ? LastName : $"{LastName}^{FirstName}";

    internal sealed class Configuration : IEntityTypeConfiguration<WorklistEntry>
    {
        public void Configure(EntityTypeBuilder<WorklistEntry> e)
        {
            e.ToTable("WorklistEntries");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.AccessionNumber).IsUnique();
            e.HasIndex(x => x.ScheduledAt);
            e.Ignore(x => x.PatientName);
        }
    }
}

/// <summary>Named counters (the accession number sequence). One row per counter, bumped inside an immediate transaction.</summary>
public sealed class WorklistCounter
{
    public string Name { get; set; } = "";
    public long Value { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<WorklistCounter>
    {
        public void Configure(EntityTypeBuilder<WorklistCounter> e)
        {
            e.ToTable("WorklistCounters");
            e.HasKey(x => x.Name);
        }
    }
}

/// <summary>A key an AIS script uses for /worklist/add. Only the SHA-256 of the key is stored; it is shown once.</summary>
public sealed class WorklistApiKey
{
    public long Id { get; set; }
    public string Client { get; set; } = "";
    public string KeyHash { get; set; } = "";
    /// <summary>The first characters, so an admin can tell keys apart.</summary>
    public string Prefix { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<WorklistApiKey>
    {
        public void Configure(EntityTypeBuilder<WorklistApiKey> e)
        {
            e.ToTable("WorklistApiKeys");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.KeyHash).IsUnique();
        }
    }
}
