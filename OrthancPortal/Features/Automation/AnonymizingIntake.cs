using System.Text.Json.Nodes;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Automation;

/// <summary>
/// The anonymizing intake (ActionKind.AnonymizeKeepOnlyCopy): a research node keeps no identifiable images. The study is
/// anonymized with the rule's profile and the pseudonyms of the rule's project, the copy is read back from Orthanc and
/// checked, and only a copy that passes is labelled; the runner deletes the original once the whole run succeeded.
/// A copy that fails the check is deleted (it may still identify the patient) and the original stays.
/// </summary>
public sealed class AnonymizingIntake(AnonymizationService anonymization, ProfileStore profiles, PseudonymService pseudonyms,
    OrthancClient orthanc, OrthancCapabilitiesProvider capabilities, AuditLog audit)
{
    // Automation runs under the site's language (or the user's, for "Run again").
    private static readonly IStringLocalizer<AnonymizingIntake> L = PortalText.For<AnonymizingIntake>();

    /// <summary>
    /// Tags that identify a patient, a visit or a device's images beyond the profile's own remove/replace lists:
    /// PatientName, PatientID, PatientBirthDate, OtherPatientIDs, OtherPatientNames, PatientAddress,
    /// PatientTelephoneNumbers, AccessionNumber, InstitutionName, InstitutionAddress, ReferringPhysicianName,
    /// PerformingPhysicianName, OperatorsName, StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID.
    /// </summary>
    public static readonly IReadOnlyList<string> IdentifyingTags =
    [
        "0010,0010", "0010,0020", "0010,0030", "0010,1000", "0010,1001", "0010,1040", "0010,2154", "0008,0050",
        "0008,0080", "0008,0081", "0008,0090", "0008,1050", "0008,1070", "0020,000d", "0020,000e", "0008,0018",
    ];

    /// <summary>Fails before anything is made when the rule asks for a label this Orthanc cannot keep.</summary>
    public async Task RequireLabelsAsync(RuleAction action, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(action.DoneLabel)) return;
        var can = await capabilities.GetAsync(ct);
        if (!can.HasLabels)
            throw new AutomationRunException(L["The rule labels finished copies '{0}', but this Orthanc (version {1}) has no labels (Orthanc 1.12 has them).", action.DoneLabel ?? "", can.Version]);
    }

    /// <returns>The Orthanc id of the anonymized copy (not yet verified).</returns>
    public Task<string> AnonymizeAsync(string originalStudyId, RuleAction action, Actor actor, CancellationToken ct)
        => anonymization.AnonymizeAsync(ResourceLevel.Study, originalStudyId, action.ProfileId!,
            new AnonymizationOverrides(PseudonymProject: action.PseudonymProject), actor, ct: ct);

    /// <summary>
    /// Reads both studies' tags back from Orthanc: the copy must hold every instance of the original (less the series
    /// classes the profile drops), the project's pseudonym as PatientID in every instance, and none of the original's
    /// values of an identifying tag the profile does not keep. Throws <see cref="AutomationRunException"/> saying what is wrong
    /// (never the identifying value itself: the reason is shown and audited).
    /// </summary>
    public async Task VerifyAsync(string originalStudyId, string copyStudyId, RuleAction action, CancellationToken ct)
    {
        var profile = await profiles.GetAsync(action.ProfileId!, ct);
        var original = await orthanc.GetStudyInstancesTagsAsync(originalStudyId, ct);
        var copy = await orthanc.GetStudyInstancesTagsAsync(copyStudyId, ct);

        var dropped = profile.Rules.DropSopClasses.ToHashSet(StringComparer.Ordinal);
        var expected = original.Values.Count(tags => !dropped.Contains(Value(tags, "0008,0016") ?? ""));
        if (copy.Count != expected)
            throw new AutomationRunException(expected != original.Count
                ? L["The anonymized copy has {0} instances, the original {1} (without the {2} of dropped series classes).", copy.Count, expected, original.Count - expected]
                : L["The anonymized copy has {0} instances, the original {1}.", copy.Count, expected]);

        var originalPatientId = original.Values.Select(t => Value(t, "0010,0020")).FirstOrDefault(v => v is not null) ?? "";
        var shift = profile.Rules.DateShift == DateShiftMode.PerPatient ? Math.Max(profile.Rules.DateShiftDays, 1) : 0;
        var pseudonym = (await pseudonyms.GetOrCreateAsync(action.PseudonymProject!, originalPatientId, shift, ct)).Pseudonym;
        if (copy.Values.Any(t => Value(t, "0010,0020") != pseudonym))
            throw new AutomationRunException(L["The anonymized copy does not carry the pseudonym of project {0} as PatientID in every instance.", action.PseudonymProject ?? ""]);

        var checkedTags = IdentifyingTags.Concat(profile.Rules.Remove).Concat(profile.Rules.Replace.Keys)
            .Where(t => !profile.Rules.Keep.Any(k => SameTag(k, t))).ToList();
        var originalValues = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var tags in original.Values) Collect(tags, originalValues);
        foreach (var (instanceId, tags) in copy)
        {
            var copyValues = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            Collect(tags, copyValues);
            foreach (var (key, values) in copyValues)
            {
                var name = NameOf(tags, key);
                if (!checkedTags.Any(t => SameTag(t, key) || SameTag(t, name))) continue;
                var replacement = profile.Rules.Replace.FirstOrDefault(r => SameTag(r.Key, key)).Value;
                var left = values.Where(v => v != replacement && v != pseudonym && originalValues.TryGetValue(key, out var o) && o.Contains(v)).ToList();
                if (left.Count > 0)
                    throw new AutomationRunException(L["The anonymized copy still holds the original value of {0} ({1}) in instance {2}.", name, key, instanceId]);
            }
        }
    }

    /// <summary>
    /// After a failed anonymization job: Orthanc keeps the instances it had already written, as a study whose
    /// AnonymizedFrom is the original. Those are found under the patient's pseudonym and deleted, except copies the
    /// portal recorded as finished (an earlier intake of the same study). Returns how many studies were deleted.
    /// </summary>
    public async Task<int> DeletePartialCopiesAsync(string originalStudyId, RuleAction action, CancellationToken ct)
    {
        var original = await orthanc.GetStudyAsync(originalStudyId, ct);
        string pseudonym;
        try
        {
            var profile = await profiles.GetAsync(action.ProfileId!, ct);
            var shift = profile.Rules.DateShift == DateShiftMode.PerPatient ? Math.Max(profile.Rules.DateShiftDays, 1) : 0;
            pseudonym = (await pseudonyms.GetOrCreateAsync(action.PseudonymProject!, original.Tag("PatientID"), shift, ct)).Pseudonym;
        }
        catch (InvalidOperationException)
        {
            return 0; // no project, so the job never started
        }
        var deleted = 0;
        foreach (var study in await orthanc.FindStudiesAsync(new Dictionary<string, string> { ["PatientID"] = pseudonym }, ct: ct))
        {
            string from;
            try { from = (await orthanc.GetAsync<string>($"studies/{OrthancClient.Id(study.ID)}/metadata/AnonymizedFrom", ct)).Trim(); }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { continue; }
            if (from != originalStudyId || await anonymization.ProvenanceAsync(study.ID, ct) is not null) continue;
            await orthanc.DeleteResourceAsync(ResourceLevel.Study, study.ID, ct);
            deleted++;
        }
        return deleted;
    }

    /// <summary>Labels a verified copy, audited like a user's label change.</summary>
    public async Task LabelAsync(string copyStudyId, RuleAction action, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(action.DoneLabel)) return;
        await orthanc.AddStudyLabelAsync(copyStudyId, action.DoneLabel, ct);
        await audit.WriteAsync(actor, "label.add", $"studies/{copyStudyId}", $"{action.DoneLabel} (anonymizing intake)", ct: ct);
    }

    /// <summary>Every text value by tag ("0010,0010"), also inside sequences: an identifying value may hide in one.</summary>
    private static void Collect(JsonObject tags, Dictionary<string, HashSet<string>> into)
    {
        foreach (var (key, node) in tags)
        {
            if (node is not JsonObject tag) continue;
            switch (tag["Value"])
            {
                case JsonValue v when v.TryGetValue<string>(out var text) && text.Trim() is { Length: > 0 } trimmed:
                    (into.TryGetValue(key, out var set) ? set : into[key] = new HashSet<string>(StringComparer.Ordinal)).Add(trimmed);
                    break;
                case JsonArray items:
                    foreach (var item in items.OfType<JsonObject>()) Collect(item, into);
                    break;
            }
        }
    }

    private static string? Value(JsonObject tags, string key)
        => tags[key] is JsonObject tag && tag["Value"] is JsonValue v && v.TryGetValue<string>(out var text) ? text.Trim() : null;

    private static string NameOf(JsonObject tags, string key) => tags[key]?["Name"]?.GetValue<string>() ?? key;

    /// <summary>A profile names a tag as "gggg,eeee" or by Orthanc's name; Orthanc's answers use lower-case hex.</summary>
    private static bool SameTag(string a, string b)
        => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase)
            || (TagNames.TryGetValue(a.Trim(), out var na) && string.Equals(na, b, StringComparison.OrdinalIgnoreCase))
            || (TagNames.TryGetValue(b.Trim(), out var nb) && string.Equals(nb, a, StringComparison.OrdinalIgnoreCase));

    private static readonly Dictionary<string, string> TagNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PatientName"] = "0010,0010", ["PatientID"] = "0010,0020", ["PatientBirthDate"] = "0010,0030", ["OtherPatientIDs"] = "0010,1000",
        ["OtherPatientNames"] = "0010,1001", ["PatientAddress"] = "0010,1040", ["PatientTelephoneNumbers"] = "0010,2154",
        ["AccessionNumber"] = "0008,0050", ["InstitutionName"] = "0008,0080", ["InstitutionAddress"] = "0008,0081",
        ["ReferringPhysicianName"] = "0008,0090", ["PerformingPhysicianName"] = "0008,1050", ["OperatorsName"] = "0008,1070",
        ["StudyInstanceUID"] = "0020,000d", ["SeriesInstanceUID"] = "0020,000e", ["SOPInstanceUID"] = "0008,0018",
        ["StudyDescription"] = "0008,1030", ["StudyID"] = "0020,0010", ["StationName"] = "0008,1010",
    };
}
