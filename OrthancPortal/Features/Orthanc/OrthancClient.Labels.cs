namespace OrthancPortal.Features.Orthanc;

/// <summary>Labels of studies (Orthanc 1.12.0+, <see cref="OrthancCapabilities.HasLabels"/>); names pass <see cref="Label"/>.</summary>
public sealed partial class OrthancClient
{
    /// <summary>GET /studies/{id}/labels.</summary>
    public Task<IReadOnlyList<string>> GetStudyLabelsAsync(string studyId, CancellationToken ct = default)
        => GetAsync<IReadOnlyList<string>>($"studies/{Id(studyId)}/labels", ct);

    /// <summary>PUT /studies/{id}/labels/{label} (adding a label a study already has changes nothing).</summary>
    public Task AddStudyLabelAsync(string studyId, string label, CancellationToken ct = default)
        => PutAsync($"studies/{Id(studyId)}/labels/{Label(label)}", "", ct);

    /// <summary>DELETE /studies/{id}/labels/{label}.</summary>
    public Task RemoveStudyLabelAsync(string studyId, string label, CancellationToken ct = default)
        => DeleteAsync($"studies/{Id(studyId)}/labels/{Label(label)}", ct);

    /// <summary>GET /tools/labels: every label in use.</summary>
    public Task<IReadOnlyList<string>> GetAllLabelsAsync(CancellationToken ct = default) => GetAsync<IReadOnlyList<string>>("tools/labels", ct);

    /// <summary>The study a series or instance belongs to (GET /{level}/{id}/study); a study is its own.</summary>
    public async Task<string> GetParentStudyIdAsync(ResourceLevel level, string id, CancellationToken ct = default)
        => level == ResourceLevel.Study ? Id(id) : (await GetAsync<OrthancStudy>($"{level.Path()}/{Id(id)}/study", ct)).ID;

    /// <summary>Orthanc takes labels of letters, digits, '_' and '-'; refuse anything else so a label can never steer the path.</summary>
    public static string Label(string label)
    {
        if (!IsLabel(label)) throw new OrthancException(OrthancFailure.BadRequest, $"'{label}' is not a label: use 1 to 64 letters, digits, '_' or '-'.");
        return label;
    }

    public static bool IsLabel(string? label) => label is { Length: >= 1 and <= 64 } && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}

/// <summary>How /tools/find combines several labels.</summary>
public enum LabelMatch { Any, All, None }

/// <summary>A label filter for /tools/find and /tools/count-resources.</summary>
public sealed record LabelFilter(IReadOnlyList<string> Labels, LabelMatch Match);
