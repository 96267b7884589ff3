using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Baskets;

public sealed record DeletePayload(IReadOnlyList<ResourceRef> Items);

/// <summary>The task's result: how many were deleted and the ids skipped because Orthanc no longer had them.</summary>
public sealed record DeleteResult(int Deleted, IReadOnlyList<string> Skipped)
{
    public int Total => Deleted + Skipped.Count;

    public static DeleteResult? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonSerializer.Deserialize<DeleteResult>(json); }
        catch (JsonException) { return null; }
    }
}

/// <summary>
/// Deletes the Delete basket's resources from Orthanc. The owner's Delete permission is checked again when the
/// task runs (a role may have changed since), and every deletion is audited with what it was.
/// </summary>
public sealed class DeleteTaskHandler(OrthancClient orthanc, AuditLog audit, UserManager<PortalUser> users, RoleManager<PortalRole> roles) : ITaskHandler
{
    // Runs under the language of the user who started the task (TaskQueue), so its texts are stored in it.
    private static readonly IStringLocalizer<DeleteTaskHandler> L = PortalText.For<DeleteTaskHandler>();

    public const string TaskType = "delete";
    public string Type => TaskType;
    public bool Resumable => true;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        if (!await MayDeleteAsync(run.Owner)) throw new TaskFailedException(L["{0} no longer holds the Delete permission.", run.Owner.UserName]);
        var items = run.Payload<DeletePayload>().Items;
        var done = run.Checkpoint<List<string>>() ?? [];
        var skipped = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (done.Contains(item.OrthancId)) continue;
            await run.Progress.ReportAsync((double)i / items.Count, L["{0} of {1} deleted", i, items.Count]);
            var what = await DescribeAsync(item, ct);
            if (what is null)
            {
                skipped.Add(item.OrthancId);
                await audit.WriteAsync(run.Owner, "delete", $"{item.Level.Path()}/{item.OrthancId}", "skipped: no longer in Orthanc", false, ct);
            }
            else
            {
                await orthanc.DeleteResourceAsync(item.Level, item.OrthancId, ct);
                await audit.WriteAsync(run.Owner, "delete", $"{item.Level.Path()}/{item.OrthancId}", what, ct: ct);
            }
            done.Add(item.OrthancId);
            await run.SaveCheckpointAsync(done);
        }
        // The last progress text must say what happened, not the count before the last deletion.
        await run.Progress.ReportAsync(1, L["{0} of {1} deleted", done.Count - skipped.Count, items.Count]);
        return JsonSerializer.Serialize(new DeleteResult(done.Count - skipped.Count, skipped));
    }

    private async Task<bool> MayDeleteAsync(Actor owner)
    {
        if (owner.UserId is null) return false;
        var user = await users.FindByIdAsync(owner.UserId);
        if (user is null) return false;
        foreach (var roleName in await users.GetRolesAsync(user))
        {
            var role = await roles.FindByNameAsync(roleName);
            if (role is not null && (await roles.GetClaimsAsync(role)).Any(c => c.Type == Permissions.ClaimType && c.Value == Permissions.Delete)) return true;
        }
        return false;
    }

    /// <summary>What is about to be deleted, for the audit log; null when Orthanc no longer has it.</summary>
    private async Task<string?> DescribeAsync(ResourceRef item, CancellationToken ct)
    {
        try
        {
            return item.Level switch
            {
                ResourceLevel.Patient => await orthanc.GetPatientAsync(item.OrthancId, ct) is var p
                    ? $"patient {p.Tag("PatientName")} ({p.Tag("PatientID")}), {p.Studies.Count} studies" : null,
                ResourceLevel.Series => await orthanc.GetSeriesAsync(item.OrthancId, ct) is var s
                    ? $"series {s.Tag("Modality")} {s.Tag("SeriesDescription")} UID {s.Tag("SeriesInstanceUID")}, {s.Instances.Count} instances, of study {s.ParentStudy}" : null,
                _ => await orthanc.GetStudyAsync(item.OrthancId, ct) is var st
                    ? $"study of {st.Tag("PatientName")} ({st.Tag("PatientID")}) {st.Tag("StudyDate")} {st.Tag("StudyDescription")} acc {st.Tag("AccessionNumber")} UID {st.Tag("StudyInstanceUID")}, {st.Series.Count} series" : null,
            };
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            return null;
        }
    }
}
