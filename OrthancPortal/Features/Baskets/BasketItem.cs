using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Baskets;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BasketKind>))]
public enum BasketKind { Anonymize, Export, Delete }

/// <summary>One resource in one user's basket. Stored on the server so it survives reloads, sign-ins and browsers.</summary>
public sealed class BasketItem
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public BasketKind Kind { get; set; }
    public ResourceLevel Level { get; set; }
    public string OrthancId { get; set; } = "";
    /// <summary>What the user saw when adding it (patient name, study description), so a deleted resource can still be named.</summary>
    public string Label { get; set; } = "";
    public DateTime AddedAt { get; set; }

    // What the grid shows and sorts by, taken from Orthanc when the entry is added (and brought up to date whenever a
    // page of the basket is shown), so a basket of hundreds is sorted and paged in the database, not in memory.
    public string PatientName { get; set; } = "";
    public string PatientId { get; set; } = "";
    /// <summary>DICOM DA (yyyyMMdd), so ordering the text orders by date.</summary>
    public string StudyDate { get; set; } = "";
    public string Description { get; set; } = "";
    public string Accession { get; set; } = "";
    public string Modalities { get; set; } = "";
    /// <summary>A patient's number of studies; null for studies and series.</summary>
    public int? StudyCount { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<BasketItem>
    {
        public void Configure(EntityTypeBuilder<BasketItem> e)
        {
            e.ToTable("BasketItems");
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.OrthancId).HasMaxLength(64);
            e.Property(x => x.Label).HasMaxLength(256);
            e.Property(x => x.PatientName).HasMaxLength(256);
            e.Property(x => x.PatientId).HasMaxLength(64);
            e.Property(x => x.StudyDate).HasMaxLength(16);
            e.Property(x => x.Description).HasMaxLength(256);
            e.Property(x => x.Accession).HasMaxLength(64);
            e.Property(x => x.Modalities).HasMaxLength(64);
            e.HasIndex(x => new { x.UserId, x.Kind, x.OrthancId }).IsUnique();
        }
    }
}

/// <summary>A patient, study or series as other features hand it to the baskets.</summary>
public sealed record ResourceRef(
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ResourceLevel>))] ResourceLevel Level,
    string OrthancId);

/// <summary>Published when a user's basket changes, so counters and basket pages refresh.</summary>
public sealed record BasketChanged(string UserId, BasketKind Kind);

/// <summary>
/// A basket entry as the grid shows it: looked up in Orthanc when its page is shown, <see cref="Missing"/> when Orthanc no
/// longer has it (then the values are the ones stored when it was added). The property names are the grid's sort keys.
/// </summary>
public sealed record BasketEntry(long Id, ResourceLevel Level, string OrthancId, string Label, bool Missing,
    string PatientName, string PatientId, string StudyDate, string StudyDescription, string Accession, string Modalities,
    DateTime AddedAt = default, int? StudyCount = null);
