using FluentValidation;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Files;
using OrthancPortal.Infrastructure.Dicom;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Content;

/// <summary>A tag change at patient, study or series level, as the user asked for it.</summary>
public sealed record ModifyTagsRequest(ResourceLevel Level, string Id, Dictionary<string, string> Changes, bool KeepUids);

public sealed class ModifyTagsRequestValidator : AbstractValidator<ModifyTagsRequest>
{
    private static readonly IStringLocalizer<ModifyTagsTask> L = PortalText.For<ModifyTagsTask>();

    /// <summary>The tags each level lets the user change (the level's own main tags).</summary>
    public static readonly IReadOnlyDictionary<ResourceLevel, IReadOnlyList<string>> EditableTags = new Dictionary<ResourceLevel, IReadOnlyList<string>>
    {
        [ResourceLevel.Patient] = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex"],
        [ResourceLevel.Study] = ["StudyDescription", "AccessionNumber", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID"],
        [ResourceLevel.Series] = ["SeriesDescription", "SeriesNumber", "Modality", "BodyPartExamined", "ProtocolName"],
    };

    public ModifyTagsRequestValidator()
    {
        RuleFor(r => r.Level).Must(l => EditableTags.ContainsKey(l)).WithMessage(_ => L["Tags can be changed on a patient, a study or a series."]);
        RuleFor(r => r.Changes).NotEmpty().WithMessage(_ => L["Change at least one tag."]);
        RuleForEach(r => r.Changes).Custom((kv, context) =>
        {
            var level = context.InstanceToValidate.Level;
            if (!EditableTags.TryGetValue(level, out var allowed) || !allowed.Contains(kv.Key))
            {
                context.AddFailure(kv.Key, $"{kv.Key} cannot be changed at {level.ToString().ToLowerInvariant()} level.");
                return;
            }
            var v = kv.Value ?? "";
            if (v.Any(char.IsControl) || v.Contains('\\')) context.AddFailure(kv.Key, $"{kv.Key}: no control characters or backslashes.");
            else if (v.Length > 64) context.AddFailure(kv.Key, $"{kv.Key}: at most 64 characters.");
            else if (kv.Key is "PatientBirthDate" or "StudyDate" && v.Length > 0 && !DicomDates.TryParseDate(v, out _))
                context.AddFailure(kv.Key, $"{kv.Key}: a date as YYYYMMDD.");
            else if (kv.Key == "StudyTime" && v.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(v, @"^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$"))
                context.AddFailure(kv.Key, "StudyTime: a time as HHMMSS.");
            else if (kv.Key == "PatientSex" && v is not ("" or "M" or "F" or "O")) context.AddFailure(kv.Key, "PatientSex: M, F or O.");
            else if (kv.Key == "SeriesNumber" && v.Length > 0 && !int.TryParse(v, out _)) context.AddFailure(kv.Key, "SeriesNumber: a whole number.");
            else if (kv.Key == "Modality" && !System.Text.RegularExpressions.Regex.IsMatch(v, "^[A-Z]{2,3}$")) context.AddFailure(kv.Key, "Modality: two or three capital letters, e.g. CT.");
            else if (kv.Key == "PatientID" && v.Trim().Length == 0) context.AddFailure(kv.Key, "PatientID cannot be empty.");
        });
    }
}

/// <summary>
/// Runs a tag change through Orthanc's asynchronous /modify job. The original is replaced: with "keep UIDs"
/// the modified copies keep their DICOM UIDs, otherwise Orthanc gives them new ones.
/// </summary>
public sealed class ModifyTagsTask(OrthancClient orthanc, AuditLog audit, WorkFolders work) : ITaskHandler
{
    // Runs under the language of the user who started the task (TaskQueue), so its texts are stored in it.
    private static readonly IStringLocalizer<ModifyTagsTask> L = PortalText.For<ModifyTagsTask>();

    public const string TaskType = "content.modify";
    public string Type => TaskType;

    // An Orthanc modify job half done cannot be told apart from the original safely; do not repeat it blindly.
    public bool Resumable => false;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        var request = run.Payload<ModifyTagsRequest>();
        var replace = new Dictionary<string, string>(request.Changes);
        if (request.Level == ResourceLevel.Patient && !replace.ContainsKey("PatientID"))
        {
            // Orthanc requires PatientID among the replaced tags when modifying at patient level.
            replace["PatientID"] = (await orthanc.GetPatientAsync(request.Id, ct)).Tag("PatientID");
        }
        var modify = new ModifyRequest
        {
            Replace = replace,
            Keep = request.KeepUids ? KeptUids(request.Level) : null,
            Force = true,
            KeepSource = false,
        };
        var resource = $"{request.Level.Path()}/{request.Id}";
        try
        {
            if (request.KeepUids && !request.Changes.ContainsKey("PatientID"))
            {
                await ReplaceInPlaceAsync(request, modify, run, ct);
                await audit.WriteAsync(run.Owner, "content.modify", resource, "done in place (UIDs kept)", ct: ct);
                return null;
            }
            var job = await orthanc.ModifyAsync(request.Level, request.Id, modify, ct);
            var done = await orthanc.WaitForJobAsync(job.ID, p => run.Progress.ReportAsync(p, L["Orthanc is modifying"]), ct: ct);
            var newId = done.Content?["ID"]?.GetValue<string>();
            await audit.WriteAsync(run.Owner, "content.modify", resource, $"done; new id {newId}", ct: ct);
            return newId is null ? null : $"{{\"ID\":\"{newId}\",\"Level\":\"{request.Level}\"}}";
        }
        catch (OrthancException ex)
        {
            await audit.WriteAsync(run.Owner, "content.modify", resource, ex.Message, success: false, ct: CancellationToken.None);
            throw new TaskFailedException(ex.Message);
        }
    }

    /// <summary>
    /// With the UIDs and PatientID unchanged, the modified copy has the same Orthanc id as the original, and Orthanc
    /// (without OverwriteInstances) refuses to store it. So each instance is modified into a spool file, the original
    /// deleted, and the copy stored. If storing fails, the copy stays in the spool folder and the task names it.
    /// </summary>
    private async Task ReplaceInPlaceAsync(ModifyTagsRequest request, ModifyRequest modify, TaskRun run, CancellationToken ct)
    {
        var instances = await orthanc.GetAsync<IReadOnlyList<OrthancInstance>>($"{request.Level.Path()}/{OrthancClient.Id(request.Id)}/instances", ct);
        var spool = await work.GetAsync("modify-spool", ct);
        var body = new { modify.Replace, modify.Keep, Force = true };
        for (var i = 0; i < instances.Count; i++)
        {
            var id = instances[i].ID;
            var file = Path.Combine(spool, $"{run.TaskId}-{id}.dcm");
            using (var modified = await orthanc.PostStreamingAsync($"instances/{OrthancClient.Id(id)}/modify",
                       System.Net.Http.Json.JsonContent.Create(body, options: OrthancClient.Json), ct))
            await using (var target = File.Create(file))
            {
                await modified.Content.CopyToAsync(target, ct);
            }
            await orthanc.DeleteResourceAsync(ResourceLevel.Instance, id, CancellationToken.None);
            try
            {
                await using var source = File.OpenRead(file);
                await orthanc.StoreInstanceAsync(source, CancellationToken.None);
            }
            catch (OrthancException ex)
            {
                throw new TaskFailedException(L["Instance {0} was modified but could not be stored again ({1}). The modified file is kept at {2}.", id, ex.Message, file]);
            }
            File.Delete(file);
            await run.Progress.ReportAsync((i + 1.0) / instances.Count, L["{0} of {1} instances", i + 1, instances.Count]);
        }
        // The patient/study/series kept their ids, so Orthanc still holds their old main tags until it re-reads the files.
        await orthanc.PostAsync($"{request.Level.Path()}/{OrthancClient.Id(request.Id)}/reconstruct", new { }, ct);
    }

    private static IReadOnlyList<string> KeptUids(ResourceLevel level) => level switch
    {
        ResourceLevel.Patient => ["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"],
        ResourceLevel.Study => ["StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"],
        _ => ["SeriesInstanceUID", "SOPInstanceUID"],
    };
}
