using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace OrthancPortal.Features.Anonymization;

public enum DateShiftMode { None, FixedDays, PerPatient }

public enum PseudonymMode { Sequential, Random }

/// <summary>
/// What a profile does, on top of Orthanc's basic profile (DICOM PS3.15 2021b, Orthanc 1.10.1's default).
/// Tags are given as "gggg,eeee" or as Orthanc's tag names.
/// </summary>
public sealed record ProfileRules
{
    public IReadOnlyList<string> Keep { get; init; } = [];
    public IReadOnlyList<string> Remove { get; init; } = [];
    public IReadOnlyDictionary<string, string> Replace { get; init; } = new Dictionary<string, string>();
    public bool KeepPrivateTags { get; init; }
    public DateShiftMode DateShift { get; init; }
    /// <summary>Days added to dates with <see cref="DateShiftMode.FixedDays"/>; the largest absolute shift with PerPatient.</summary>
    public int DateShiftDays { get; init; }
    /// <summary>SOP class UIDs whose series are deleted from the anonymized study (Secondary Capture, SR, ...).</summary>
    public IReadOnlyList<string> DropSopClasses { get; init; } = [];
    /// <summary>When set, new patient ids come from this project's pseudonym table.</summary>
    public string? PseudonymProject { get; init; }
}

/// <summary>A named, versioned set of rules. Built-in profiles have fixed ids; custom ones are rows.</summary>
public sealed record AnonymizationProfile(string Id, string Name, int Version, bool BuiltIn, ProfileRules Rules)
{
    public string Label => $"{Name} v{Version}";
}

/// <summary>An admin-defined profile as stored. Every save bumps <see cref="Version"/>, so results name the exact rules used.</summary>
public sealed class CustomProfileRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public int Version { get; set; } = 1;
    public string RulesJson { get; set; } = "{}";
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public AnonymizationProfile ToProfile() => new($"custom-{Id}", Name, Version, false,
        JsonSerializer.Deserialize<ProfileRules>(RulesJson, ProfileJson.Options) ?? new ProfileRules());

    internal sealed class Configuration : IEntityTypeConfiguration<CustomProfileRow>
    {
        public void Configure(EntityTypeBuilder<CustomProfileRow> e)
        {
            e.ToTable("AnonymizationProfiles");
            e.Property(x => x.Name).HasMaxLength(128);
            e.HasIndex(x => x.Name).IsUnique();
        }
    }
}

internal static class ProfileJson
{
    public static readonly JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
}

/// <summary>Which profile and version produced an anonymized study (Orthanc 1.10.1 has no free metadata without config, so the portal keeps it).</summary>
public sealed class AnonymizedStudy
{
    public long Id { get; set; }
    public string AnonymizedStudyId { get; set; } = "";
    public string OriginalStudyId { get; set; } = "";
    public string ProfileId { get; set; } = "";
    public string ProfileName { get; set; } = "";
    public int ProfileVersion { get; set; }
    public string DicomVersion { get; set; } = "";
    public long? TaskId { get; set; }
    public string ActorName { get; set; } = "";
    public DateTime At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AnonymizedStudy>
    {
        public void Configure(EntityTypeBuilder<AnonymizedStudy> e)
        {
            e.ToTable("AnonymizedStudies");
            e.Property(x => x.AnonymizedStudyId).HasMaxLength(64);
            e.Property(x => x.OriginalStudyId).HasMaxLength(64);
            e.Property(x => x.ProfileId).HasMaxLength(64);
            e.HasIndex(x => x.AnonymizedStudyId);
            e.HasIndex(x => x.OriginalStudyId);
        }
    }
}
