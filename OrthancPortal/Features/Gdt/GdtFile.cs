using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Gdt;

/// <summary>
/// A GDT file the portal wrote (the outbox). Its <see cref="Key"/> (study or SR instance UID) makes each file
/// happen once; the row is written only after the file is in place.
/// </summary>
public sealed class GdtFile
{
    public const string KindStudy = "study";
    public const string KindSr = "sr";

    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as GdtFile)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    /// <summary>"study:&lt;StudyInstanceUID&gt;" or "sr:&lt;SOPInstanceUID&gt;".</summary>
    public string Key { get; set; } = "";
    public string Kind { get; set; } = KindStudy;
    public string OrthancStudyId { get; set; } = "";
    public string StudyInstanceUid { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string Accession { get; set; } = "";
    public string FileName { get; set; } = "";
    public DateTime WrittenAt { get; set; }
    public int WriteCount { get; set; }
    /// <summary>What UrlOnGdtWritten answered; null when none is set.</summary>
    public string? WebhookResult { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<GdtFile>
    {
        public void Configure(EntityTypeBuilder<GdtFile> e)
        {
            e.ToTable("GdtFiles");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => x.WrittenAt);
        }
    }
}
