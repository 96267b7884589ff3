using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.Labels;

/// <summary>
/// Labels on studies (Orthanc 1.12). Changing them needs <see cref="Permissions.Labels"/> and a study the user may see;
/// every change is audited under the user. Names are checked strictly before they reach Orthanc.
/// </summary>
public sealed class LabelService(OrthancClient orthanc, OrthancCapabilitiesProvider capabilities, PermissionGuard guard, StudyAccess access,
    AuditLog audit, ActorContext actors, IStringLocalizer<LabelService> L)
{
    public const int MaxBulk = 1000;

    /// <summary>Null when this Orthanc keeps labels, else why the portal cannot show or change them.</summary>
    public async Task<string?> UnavailableReasonAsync(CancellationToken ct = default)
    {
        var can = await capabilities.GetAsync(ct);
        return can.HasLabels ? null : $"This Orthanc (version {can.Version}) has no labels; they came with Orthanc 1.12.";
    }

    public async Task<IReadOnlyList<string>> GetStudyLabelsAsync(string studyId, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        await RequireLabelsAsync(ct);
        await access.RequireAsync(ResourceLevel.Study, studyId, ct: ct);
        return (await orthanc.GetStudyLabelsAsync(studyId, ct)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every label in use, for the filter; a label-limited user sees only the labels of the limit.</summary>
    public async Task<IReadOnlyList<string>> GetAllLabelsAsync(CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.ViewContent);
        if (await UnavailableReasonAsync(ct) is not null) return [];
        var all = await orthanc.GetAllLabelsAsync(ct);
        var limit = await access.CurrentLimitAsync();
        return all.Where(l => limit is null || limit.Labels.Contains(l)).Order(StringComparer.Ordinal).ToList();
    }

    public Task AddAsync(string studyId, string label, CancellationToken ct = default) => ChangeAsync([studyId], label, true, ct);

    public Task RemoveAsync(string studyId, string label, CancellationToken ct = default) => ChangeAsync([studyId], label, false, ct);

    /// <summary>Adds or removes one label on several studies. All are checked before any is changed; returns how many changed.</summary>
    public async Task<int> ChangeAsync(IReadOnlyCollection<string> studyIds, string label, bool add, CancellationToken ct = default)
    {
        await guard.RequireAsync(Permissions.Labels);
        if (!OrthancClient.IsLabel(label)) throw new ValidationException(L["'{0}' is not a label: use 1 to 64 letters, digits, '_' or '-'.", label]);
        if (studyIds.Count == 0) throw new ValidationException(L["Choose at least one study."]);
        if (studyIds.Count > MaxBulk) throw new ValidationException(L["Label at most {0} studies at once.", MaxBulk]);
        await RequireLabelsAsync(ct);
        var ids = studyIds.Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            OrthancClient.Id(id);
            await access.RequireAsync(ResourceLevel.Study, id, ct: ct);
        }
        var actor = await actors.GetAsync();
        var changed = 0;
        foreach (var id in ids)
        {
            var had = (await orthanc.GetStudyLabelsAsync(id, ct)).Contains(label);
            if (had == add) continue;
            try
            {
                if (add) await orthanc.AddStudyLabelAsync(id, label, ct);
                else await orthanc.RemoveStudyLabelAsync(id, label, ct);
            }
            catch (OrthancException ex)
            {
                await audit.WriteAsync(actor, add ? "label.add" : "label.remove", $"studies/{id}", $"{label}: {ex.Message}", success: false, ct: ct);
                throw;
            }
            await audit.WriteAsync(actor, add ? "label.add" : "label.remove", $"studies/{id}", label, ct: ct);
            changed++;
        }
        return changed;
    }

    private async Task RequireLabelsAsync(CancellationToken ct)
    {
        if (await UnavailableReasonAsync(ct) is { } reason) throw new ValidationException(reason);
    }
}
