using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Anonymization;

/// <summary>
/// New values a user typed for one study; null leaves the profile's choice. <see cref="PseudonymProject"/> takes the
/// pseudonyms from that project instead of the profile's (an automation intake names its own project).
/// </summary>
public sealed record AnonymizationOverrides(string? PatientName = null, string? PatientId = null, string? StudyDescription = null, string? AccessionNumber = null,
    string? PseudonymProject = null)
{
    public static AnonymizationOverrides None { get; } = new();
}

/// <summary>
/// Anonymizes Orthanc resources with a profile, through Orthanc's own anonymizer (2021b basic profile plus the
/// profile's keep/remove/replace), then applies what Orthanc cannot: pseudonyms, date shifts and dropping series
/// classes. Used by the Anonymize basket and by automation rules.
/// </summary>
public sealed class AnonymizationService(OrthancClient orthanc, ProfileStore profiles, PseudonymService pseudonyms,
    IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    public const string DicomVersion = "2021b";

    /// <summary>Dates that a date shift moves, when all instances of the study share them (others are left to the basic profile).</summary>
    private static readonly string[] ShiftedDates = ["StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate"];

    /// <summary>Anonymizes one study; returns the Orthanc id of the new, anonymized study. The original stays.</summary>
    public Task<string> AnonymizeStudyAsync(string orthancStudyId, string profileId, AnonymizationOverrides overrides, Actor actor,
        Func<double, Task>? progress = null, CancellationToken ct = default, long? taskId = null)
        => AnonymizeAsync(ResourceLevel.Study, orthancStudyId, profileId, overrides, actor, progress, ct, taskId);

    /// <summary>Anonymizes a study or a single series (which becomes a new study of its own). Returns the new study's id.</summary>
    public async Task<string> AnonymizeAsync(ResourceLevel level, string orthancId, string profileId, AnonymizationOverrides overrides, Actor actor,
        Func<double, Task>? progress = null, CancellationToken ct = default, long? taskId = null)
    {
        if (level is not (ResourceLevel.Study or ResourceLevel.Series)) throw new ArgumentException("Only studies and series are anonymized one by one.", nameof(level));
        var profile = await profiles.GetAsync(profileId, ct);
        var study = level == ResourceLevel.Study
            ? await orthanc.GetStudyAsync(orthancId, ct)
            : await orthanc.GetStudyAsync((await orthanc.GetSeriesAsync(orthancId, ct)).ParentStudy, ct);
        var request = await BuildRequestAsync(profile, study, overrides, ct);

        var job = await orthanc.AnonymizeAsync(level, orthancId, request, ct);
        var done = await orthanc.WaitForJobAsync(job.ID, f => progress?.Invoke(f * 0.9) ?? Task.CompletedTask, ct: ct);
        var newId = done.Content?["ID"]?.GetValue<string>() ?? throw new InvalidOperationException("Orthanc's anonymization job named no new resource.");
        var newStudyId = level == ResourceLevel.Study ? newId : (await orthanc.GetSeriesAsync(newId, ct)).ParentStudy;

        var dropped = await DropSeriesAsync(newStudyId, profile.Rules.DropSopClasses, ct);
        await RecordAsync(orthancId, newStudyId, profile, actor, taskId, ct);
        await audit.WriteAsync(actor, "anonymize", $"{level.Path()}/{orthancId}",
            $"{study.Tag("PatientName")} ({study.Tag("PatientID")}) {study.Tag("StudyDate")} {study.Tag("StudyDescription")} -> studies/{newStudyId} with {profile.Label}, DICOM {DicomVersion}"
            + (dropped > 0 ? $", {dropped} series dropped" : ""), ct: ct);
        if (progress is not null) await progress(1);
        return newStudyId;
    }

    /// <summary>The Orthanc request a profile makes for one study (public so the rules can be checked without Orthanc).</summary>
    public async Task<AnonymizeRequest> BuildRequestAsync(AnonymizationProfile profile, OrthancStudy study, AnonymizationOverrides overrides, CancellationToken ct)
    {
        var rules = profile.Rules;
        var keep = new List<string>(rules.Keep);
        var replace = new Dictionary<string, string>(rules.Replace);

        var pseudonym = (Blank(overrides.PseudonymProject) ?? rules.PseudonymProject) is { Length: > 0 } project
            ? await pseudonyms.GetOrCreateAsync(project, study.Tag("PatientID"), rules.DateShift == DateShiftMode.PerPatient ? Math.Max(rules.DateShiftDays, 1) : 0, ct)
            : null;
        // The pseudonym table decides the patient id when the profile uses one: that is what keeps deliveries linkable.
        var newId = pseudonym?.Pseudonym ?? Blank(overrides.PatientId);
        if (newId is not null) replace["PatientID"] = newId;
        if (Blank(overrides.PatientName) is { } name) replace["PatientName"] = name;
        else if (newId is not null) replace["PatientName"] = newId;
        if (overrides.StudyDescription is not null) replace["StudyDescription"] = overrides.StudyDescription;
        if (Blank(overrides.AccessionNumber) is { } accession) replace["AccessionNumber"] = accession;

        var shift = rules.DateShift switch
        {
            DateShiftMode.FixedDays => rules.DateShiftDays,
            DateShiftMode.PerPatient => pseudonym?.DateShiftDays ?? throw new InvalidOperationException("A per-patient date shift needs a pseudonym project in the profile."),
            _ => 0,
        };
        if (shift != 0)
        {
            var shared = await orthanc.GetStudySharedTagsAsync(study.ID, ct);
            foreach (var tag in ShiftedDates)
            {
                keep.Remove(TagNumbers.GetValueOrDefault(tag, tag));
                var value = shared[tag]?.GetValue<string>() ?? (tag == "StudyDate" ? study.Tag("StudyDate") : null);
                if (ShiftDate(value, shift) is { } shifted) replace[tag] = shifted;
            }
        }

        return new AnonymizeRequest
        {
            Keep = keep.Where(k => !replace.ContainsKey(k)).Distinct().ToList(),
            Remove = rules.Remove.Count > 0 ? rules.Remove : null,
            Replace = replace,
            KeepPrivateTags = rules.KeepPrivateTags,
            Force = true,
            KeepSource = true,
            DicomVersion = DicomVersion,
        };
    }

    private static readonly Dictionary<string, string> TagNumbers = new()
    {
        ["StudyDate"] = "0008,0020", ["SeriesDate"] = "0008,0021", ["AcquisitionDate"] = "0008,0022", ["ContentDate"] = "0008,0023",
    };

    /// <summary>Adds days to a DICOM DA value; null when the value is not a date (then the basic profile handles it).</summary>
    public static string? ShiftDate(string? da, int days)
        => DateTime.TryParseExact(da?.Trim(), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.AddDays(days).ToString("yyyyMMdd", CultureInfo.InvariantCulture) : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Deletes the series whose SOP class the profile drops (by the first instance's class). Returns how many.</summary>
    private async Task<int> DropSeriesAsync(string studyId, IReadOnlyList<string> sopClasses, CancellationToken ct)
    {
        if (sopClasses.Count == 0) return 0;
        var dropped = 0;
        foreach (var series in await orthanc.GetStudySeriesAsync(studyId, ct))
        {
            if (series.Instances.Count == 0) continue;
            var sopClass = (await orthanc.GetAsync<string>($"instances/{OrthancClient.Id(series.Instances[0])}/metadata/SopClassUid", ct)).Trim();
            if (!sopClasses.Contains(sopClass)) continue;
            await orthanc.DeleteResourceAsync(ResourceLevel.Series, series.ID, ct);
            dropped++;
        }
        return dropped;
    }

    private async Task RecordAsync(string originalId, string newStudyId, AnonymizationProfile profile, Actor actor, long? taskId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(new AnonymizedStudy
        {
            OriginalStudyId = originalId, AnonymizedStudyId = newStudyId, ProfileId = profile.Id, ProfileName = profile.Name,
            ProfileVersion = profile.Version, DicomVersion = DicomVersion, TaskId = taskId, ActorName = actor.UserName, At = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The profile and version that made an anonymized study, if the portal made it.</summary>
    public async Task<AnonymizedStudy?> ProvenanceAsync(string anonymizedStudyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AnonymizedStudy>().AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(a => a.AnonymizedStudyId == anonymizedStudyId, ct);
    }
}
