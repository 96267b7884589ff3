using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Orthanc;

/// <summary>How a series came into Orthanc, as far as automatic work (burner, GDT, automation) cares.</summary>
public enum StudyOrigin
{
    /// <summary>Sent by DICOM C-STORE from a modality (or any other sender the portal did not ask).</summary>
    ReceivedByDicom,
    /// <summary>Uploaded or imported through the portal (Orthanc's REST API), or any other non-DICOM way in.</summary>
    Uploaded,
    /// <summary>Retrieved by the portal from a remote PACS (query/retrieve page or a robot).</summary>
    Retrieved,
    /// <summary>A copy Orthanc made for the portal: anonymized or modified.</summary>
    Copy,
}

/// <summary>One part of a study (a series) and where it came from; <paramref name="CallingAet"/> only for DICOM.</summary>
public sealed record OriginPart(StudyOrigin Origin, string CallingAet);

public sealed record StudyOriginInfo(IReadOnlyList<OriginPart> Parts)
{
    public override string ToString() => string.Join(", ", Parts.Select(p => p.Origin == StudyOrigin.ReceivedByDicom ? $"DICOM from {p.CallingAet}" : p.Origin.ToString()).Distinct());
}

/// <summary>
/// Which studies an automatic consumer acts on. The default takes studies that modalities send by DICOM only, so
/// priors retrieved from the PACS, uploads and the portal's own anonymized or modified copies are not burned,
/// reported to the AIS or run through rules again.
/// </summary>
public sealed class TriggerSources
{
    // Settings pages show Describe() and Problem(): in the reader's language (TriggerSources.de.resx).
    private static readonly IStringLocalizer<TriggerSources> L = PortalText.For<TriggerSources>();

    public bool ReceivedByDicom { get; set; } = true;
    /// <summary>Calling AE titles (comma or space separated) whose studies count; empty takes studies from any AET.</summary>
    public string CallingAets { get; set; } = "";
    public bool Uploaded { get; set; }
    public bool Retrieved { get; set; }
    public bool Copies { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> CallingAetList
        => CallingAets.Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(a => a.Trim()).ToList();

    /// <summary>A study counts when any of its series came in a way these sources take.</summary>
    public bool Accepts(StudyOriginInfo info) => info.Parts.Any(Accepts);

    private bool Accepts(OriginPart part) => part.Origin switch
    {
        StudyOrigin.ReceivedByDicom => ReceivedByDicom && (CallingAetList is not { Count: > 0 } aets || aets.Contains(part.CallingAet, StringComparer.OrdinalIgnoreCase)),
        StudyOrigin.Uploaded => Uploaded,
        StudyOrigin.Retrieved => Retrieved,
        StudyOrigin.Copy => Copies,
        _ => false,
    };

    /// <summary>One line for a settings page.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (ReceivedByDicom) parts.Add(CallingAetList.Count == 0 ? L["sent by DICOM from any AET"] : L["sent by DICOM from {0}", string.Join(", ", CallingAetList)]);
        if (Uploaded) parts.Add(L["uploaded or imported"]);
        if (Retrieved) parts.Add(L["retrieved from a PACS"]);
        if (Copies) parts.Add(L["anonymized or modified copies"]);
        return parts.Count == 0 ? L["no studies"] : string.Join("; ", parts);
    }

    /// <summary>Why the value cannot be saved, or null.</summary>
    public string? Problem()
        => CallingAetList.FirstOrDefault(a => a.Length > 16 || !a.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) is { } bad
            ? L["'{0}' is not an AE title (at most 16 letters, digits, '_', '-' or '.').", bad].Value
            : null;
}

/// <summary>The portal's own record of a study it asked a remote PACS for, written before the C-MOVE starts.</summary>
public sealed class RetrievedStudy
{
    public string StudyInstanceUid { get; set; } = "";
    public string Modality { get; set; } = "";
    public DateTime RetrievedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RetrievedStudy>
    {
        public void Configure(EntityTypeBuilder<RetrievedStudy> e)
        {
            e.ToTable("RetrievedStudies");
            e.HasKey(x => x.StudyInstanceUid);
            e.Property(x => x.StudyInstanceUid).HasMaxLength(64);
            e.Property(x => x.Modality).HasMaxLength(64);
        }
    }
}

/// <summary>
/// The one place that decides where a study came from, for every automatic consumer. It reads Orthanc's own
/// metadata of one instance per series (Origin, RemoteAET, AnonymizedFrom/ModifiedFrom) and the portal's record
/// of retrieves: a retrieve arrives as a DICOM C-STORE from the PACS, so only that record tells it from a modality
/// sending the same study (a PACS may also send from another AET than the one it is queried on).
/// </summary>
public sealed class StudyOriginClassifier(OrthancClient orthanc, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<StudyOriginInfo> ClassifyStudyAsync(string orthancStudyId, CancellationToken ct = default)
    {
        var study = await orthanc.GetStudyAsync(orthancStudyId, ct);
        var retrieved = await WasRetrievedAsync(study.Tag("StudyInstanceUID"), ct);
        var studyMetadata = await orthanc.GetMetadataAsync(ResourceLevel.Study, orthancStudyId, ct);
        var parts = new List<OriginPart>();
        foreach (var series in await orthanc.GetStudySeriesAsync(orthancStudyId, ct))
        {
            if (series.Instances.Count == 0) continue;
            parts.Add(await ClassifyInstanceAsync(series.Instances[0], retrieved, IsCopy(studyMetadata), ct));
        }
        return new StudyOriginInfo(parts);
    }

    public async Task<StudyOriginInfo> ClassifySeriesAsync(string orthancSeriesId, CancellationToken ct = default)
    {
        var series = await orthanc.GetSeriesAsync(orthancSeriesId, ct);
        var study = await orthanc.GetStudyAsync(series.ParentStudy, ct);
        var retrieved = await WasRetrievedAsync(study.Tag("StudyInstanceUID"), ct);
        if (series.Instances.Count == 0) return new StudyOriginInfo([]);
        return new StudyOriginInfo([await ClassifyInstanceAsync(series.Instances[0], retrieved, false, ct)]);
    }

    /// <summary>Called before the portal starts a C-MOVE, so the study is known as retrieved before its first instance arrives.</summary>
    public async Task RecordRetrieveAsync(string studyInstanceUid, string modality, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<RetrievedStudy>().FirstOrDefaultAsync(r => r.StudyInstanceUid == studyInstanceUid, ct);
        if (row is null) db.Add(row = new RetrievedStudy { StudyInstanceUid = studyInstanceUid });
        row.Modality = modality.Length > 64 ? modality[..64] : modality;
        row.RetrievedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    private async Task<OriginPart> ClassifyInstanceAsync(string instanceId, bool retrieved, bool studyIsCopy, CancellationToken ct)
    {
        var metadata = await orthanc.GetMetadataAsync(ResourceLevel.Instance, instanceId, ct);
        if (studyIsCopy || IsCopy(metadata)) return new OriginPart(StudyOrigin.Copy, "");
        if (metadata.GetValueOrDefault("Origin") != "DicomProtocol") return new OriginPart(StudyOrigin.Uploaded, "");
        var aet = metadata.GetValueOrDefault("RemoteAET") ?? "";
        return new OriginPart(retrieved ? StudyOrigin.Retrieved : StudyOrigin.ReceivedByDicom, aet);
    }

    private static bool IsCopy(IReadOnlyDictionary<string, string> metadata)
        => metadata.ContainsKey("AnonymizedFrom") || metadata.ContainsKey("ModifiedFrom");

    private async Task<bool> WasRetrievedAsync(string studyUid, CancellationToken ct)
    {
        if (studyUid.Length == 0) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<RetrievedStudy>().AnyAsync(r => r.StudyInstanceUid == studyUid, ct);
    }
}
