using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Features.Access;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Shares;

/// <summary>
/// A share link: a random token (only its SHA-256 is kept, like the session keys) that opens <see cref="Studies"/> in
/// the viewers without an account until <see cref="ExpiresAt"/>, unless revoked. Deleted with its sharer.
/// </summary>
public sealed class Share
{
    public long Id { get; set; }
    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public string TokenHash { get; set; } = "";
    public string CreatedByUserId { get; set; } = "";
    public string CreatedByUserName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public bool AllowDownload { get; set; }
    /// <summary>What the sharer wrote for the recipient (optional), shown on the landing page.</summary>
    public string? Note { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public int OpenCount { get; set; }
    public DateTime? LastOpenedAt { get; set; }
    public List<ShareStudy> Studies { get; set; } = [];

    public bool IsValidAt(DateTime utcNow) => RevokedAt is null && ExpiresAt > utcNow;

    internal sealed class Configuration : IEntityTypeConfiguration<Share>
    {
        public void Configure(EntityTypeBuilder<Share> e)
        {
            e.ToTable("Shares");
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.Property(x => x.CreatedByUserId).HasMaxLength(64);
            e.Property(x => x.CreatedByUserName).HasMaxLength(256);
            e.Property(x => x.RevokedBy).HasMaxLength(256);
            e.Property(x => x.Note).HasMaxLength(500);
            e.HasIndex(x => x.CreatedByUserId);
            e.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Studies).WithOne().HasForeignKey(x => x.ShareId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>One study of a share, with what the sharer saw (so a list still names a study deleted since).</summary>
public sealed class ShareStudy
{
    public long Id { get; set; }
    public long ShareId { get; set; }
    public string OrthancStudyId { get; set; } = "";
    public string StudyInstanceUid { get; set; } = "";
    /// <summary>The raw DICOM PatientName, StudyDate and StudyDescription, tab-separated (older rows: space-separated); show it with <see cref="DisplayLabel"/>.</summary>
    public string Label { get; set; } = "";

    public const char LabelSeparator = '\t';

    /// <summary>The label as people read it, in the current culture: "Müller, Jürgen · 02.03.2024 · CT Thorax".</summary>
    public static string DisplayLabel(string stored)
    {
        if (stored.Contains(LabelSeparator))
        {
            var parts = stored.Split(LabelSeparator);
            string Part(int i) => i < parts.Length ? parts[i].Trim() : "";
            return string.Join(" · ", new[] { PortalFormat.PersonName(Part(0)), PortalFormat.DicomDate(Part(1)), Part(2) }.Where(p => p.Length > 0));
        }
        // Labels stored before the separator: a word with '^' is (the end of) a person name, an 8-digit date a DICOM date.
        return string.Join(' ', stored.Split(' ').Select(w => w.Contains('^') ? PortalFormat.PersonName(w) : w.Length == 8 && w.All(char.IsAsciiDigit) ? PortalFormat.DicomDate(w) : w));
    }

    internal sealed class Configuration : IEntityTypeConfiguration<ShareStudy>
    {
        public void Configure(EntityTypeBuilder<ShareStudy> e)
        {
            e.ToTable("ShareStudies");
            e.Property(x => x.OrthancStudyId).HasMaxLength(64);
            e.Property(x => x.StudyInstanceUid).HasMaxLength(64);
            e.Property(x => x.Label).HasMaxLength(256);
            e.HasIndex(x => new { x.ShareId, x.OrthancStudyId }).IsUnique();
        }
    }
}
