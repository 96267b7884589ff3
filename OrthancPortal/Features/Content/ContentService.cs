using System.Text.Json.Nodes;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Content;

/// <summary>
/// Reading and changing Orthanc content for the pages and endpoints. Every change checks its permission
/// here (not only in the page) and is written to the audit log. A label-limited role reaches only its studies
/// (<see cref="StudyAccess"/>): reads and changes of anything else throw <see cref="UnauthorizedAccessException"/>.
/// </summary>
public sealed class ContentService(OrthancClient orthanc, PermissionGuard guard, AuditLog audit, ActorContext actors, TaskQueue tasks, StudyAccess access)
{
    public async Task<OrthancPatient> GetPatientAsync(string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Patient, id, ct: ct);
        return await orthanc.GetPatientAsync(id, ct);
    }

    public async Task<IReadOnlyList<StudyRow>> GetPatientStudiesAsync(string patientId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Patient, patientId, ct: ct);
        var studies = (await orthanc.GetPatientStudiesAsync(patientId, ct)).Select(StudyRow.From).OrderByDescending(s => s.StudyDate).ToList();
        return await access.VisibleAsync(studies, ct);
    }

    public async Task<OrthancStudy> GetStudyAsync(string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Study, id, ct: ct);
        return await orthanc.GetStudyAsync(id, ct);
    }

    public async Task<OrthancResourceStatistics> GetStudyStatisticsAsync(string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Study, id, ct: ct);
        return await orthanc.GetStudyStatisticsAsync(id, ct);
    }

    public async Task<IReadOnlyList<SeriesRow>> GetStudySeriesAsync(string studyId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Study, studyId, ct: ct);
        return (await orthanc.GetStudySeriesAsync(studyId, ct)).Select(SeriesRow.From).OrderBy(s => s.NumberValue).ThenBy(s => s.Description).ToList();
    }

    public async Task<OrthancSeries> GetSeriesAsync(string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Series, id, ct: ct);
        return await orthanc.GetSeriesAsync(id, ct);
    }

    public async Task<IReadOnlyList<InstanceRow>> GetSeriesInstancesAsync(string seriesId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Series, seriesId, ct: ct);
        return (await orthanc.GetSeriesInstancesAsync(seriesId, ct)).Select(InstanceRow.From).OrderBy(i => i.NumberValue).ToList();
    }

    public async Task<OrthancInstance> GetInstanceAsync(string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Instance, id, ct: ct);
        return await orthanc.GetInstanceAsync(id, ct);
    }

    public async Task<IReadOnlyList<TagNode>> GetTagTreeAsync(string instanceId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Instance, instanceId, ct: ct);
        return TagNode.FromOrthanc(await orthanc.GetInstanceTagsAsync(instanceId, ct));
    }

    public async Task<int> GetFrameCountAsync(string instanceId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Instance, instanceId, ct: ct);
        var frames = await orthanc.GetAsync<JsonArray>($"instances/{OrthancClient.Id(instanceId)}/frames", ct);
        return Math.Max(frames.Count, 1);
    }

    /// <summary>What a delete would remove, in words, for the confirmation.</summary>
    public async Task<string> DescribeAsync(ResourceLevel level, string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(level, id, ct: ct);
        var stats = await orthanc.GetAsync<JsonObject>($"{level.Path()}/{OrthancClient.Id(id)}/statistics", ct);
        int Count(string key) => stats[key]?.GetValue<int>() ?? 0;
        string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}{(word == "series" ? "" : "s")}";
        var label = level switch
        {
            ResourceLevel.Patient => await PatientLabelAsync(id, ct),
            ResourceLevel.Study => StudyLabel(await orthanc.GetStudyAsync(id, ct)),
            ResourceLevel.Series => SeriesLabel(await orthanc.GetSeriesAsync(id, ct)),
            _ => $"instance {id}",
        };
        var parts = new List<string>();
        if (level == ResourceLevel.Patient) parts.Add(Plural(Count("CountStudies"), "study"));
        if (level is ResourceLevel.Patient or ResourceLevel.Study) parts.Add(Plural(Count("CountSeries"), "series"));
        if (level != ResourceLevel.Instance) parts.Add(Plural(Count("CountInstances"), "instance"));
        return parts.Count == 0 ? label : $"{label}: {string.Join(", ", parts)}";
    }

    public async Task DeleteAsync(ResourceLevel level, string id, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Delete);
        await access.RequireAsync(level, id, everyStudy: true, ct);
        string what;
        try { what = await DescribeAsync(level, id, ct); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { what = $"{level} {id} (already gone)"; }
        try
        {
            await orthanc.DeleteResourceAsync(level, id, ct);
            await audit.WriteAsync("content.delete", $"{level.Path()}/{id}", what, ct: ct);
        }
        catch (OrthancException ex)
        {
            await audit.WriteAsync("content.delete", $"{level.Path()}/{id}", ex.Message, success: false, ct: ct);
            throw;
        }
    }

    public async Task SetProtectedAsync(string patientId, bool isProtected, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Modify);
        await access.RequireAsync(ResourceLevel.Patient, patientId, everyStudy: true, ct);
        await orthanc.SetProtectedAsync(patientId, isProtected, ct);
        await audit.WriteAsync(isProtected ? "content.protect" : "content.unprotect", $"patients/{patientId}", await PatientLabelAsync(patientId, ct), ct: ct);
    }

    public async Task<bool> IsProtectedAsync(string patientId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await access.RequireAsync(ResourceLevel.Patient, patientId, ct: ct);
        return await orthanc.IsProtectedAsync(patientId, ct);
    }

    /// <summary>Validates the change and queues it as a task; returns the task id.</summary>
    public async Task<long> StartModifyAsync(ModifyTagsRequest request, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Modify);
        var validation = await new ModifyTagsRequestValidator().ValidateAsync(request, ct);
        if (!validation.IsValid) throw new FluentValidation.ValidationException(validation.Errors);
        OrthancClient.Id(request.Id);
        await access.RequireAsync(request.Level, request.Id, everyStudy: true, ct);
        var actor = await actors.GetAsync();
        var changes = string.Join("; ", request.Changes.Select(c => $"{c.Key}={c.Value}"));
        var taskId = await tasks.EnqueueAsync(ModifyTagsTask.TaskType, request, $"Modify {request.Level.ToString().ToLowerInvariant()} tags ({changes})", actor, ct);
        await audit.WriteAsync(actor, "content.modify.start", $"{request.Level.Path()}/{request.Id}", $"{changes}; keep UIDs: {request.KeepUids}; task {taskId}", ct: ct);
        return taskId;
    }

    private async Task<string> PatientLabelAsync(string id, CancellationToken ct)
    {
        var p = await orthanc.GetPatientAsync(id, ct);
        return $"patient {DicomText.Name(p.Tag("PatientName"))} ({p.Tag("PatientID")})";
    }

    private static string StudyLabel(OrthancStudy s)
        => $"study \"{s.Tag("StudyDescription")}\" of {DicomText.Date(s.Tag("StudyDate"))} for {DicomText.Name(s.Tag("PatientName"))} ({s.Tag("PatientID")})";

    private static string SeriesLabel(OrthancSeries s) => $"series {s.Tag("SeriesNumber")} \"{s.Tag("SeriesDescription")}\" ({s.Tag("Modality")})";
}

public sealed record SeriesRow(string Id, string Number, string Modality, string Description, int InstanceCount, string? FirstInstanceId)
{
    public int NumberValue => int.TryParse(Number, out var n) ? n : int.MaxValue;
    public static SeriesRow From(OrthancSeries s) => new(s.ID, s.Tag("SeriesNumber"), s.Tag("Modality"), s.Tag("SeriesDescription"), s.Instances.Count, s.Instances.FirstOrDefault());
}

public sealed record InstanceRow(string Id, string Number, long FileSize, int Frames)
{
    public int NumberValue => int.TryParse(Number, out var n) ? n : int.MaxValue;
    public static InstanceRow From(OrthancInstance i) => new(i.ID, i.Tag("InstanceNumber"), i.FileSize,
        int.TryParse(i.Tag("NumberOfFrames"), out var f) ? f : 1);
}
