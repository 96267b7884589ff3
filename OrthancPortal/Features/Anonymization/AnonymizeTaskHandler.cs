using System.Text.Json;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Anonymization;

public sealed record AnonymizeItem(
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ResourceLevel>))] ResourceLevel Level, string OrthancId, string Label, AnonymizationOverrides Overrides);

public sealed record AnonymizePayload(string ProfileId, IReadOnlyList<AnonymizeItem> Items);

/// <summary>One row of the result table: the original and the anonymized study, or why it was skipped.</summary>
public sealed record AnonymizeResult(string OriginalId, string Label, string? AnonymizedStudyId, string? Error,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ResourceLevel>))] ResourceLevel OriginalLevel = ResourceLevel.Study);

/// <summary>Anonymizes the items one by one; a missing or failing item is skipped with its reason and the rest go on.</summary>
public sealed class AnonymizeTaskHandler(AnonymizationService anonymizer) : ITaskHandler
{
    // Runs under the language of the user who started the task (TaskQueue), so its texts are stored in it.
    private static readonly IStringLocalizer<AnonymizeTaskHandler> L = PortalText.For<AnonymizeTaskHandler>();

    public const string TaskType = "anonymize";
    public string Type => TaskType;
    public bool Resumable => true;

    public async Task<string?> RunAsync(TaskRun run, CancellationToken ct)
    {
        var payload = run.Payload<AnonymizePayload>();
        var results = run.Checkpoint<List<AnonymizeResult>>() ?? [];
        for (var i = results.Count; i < payload.Items.Count; i++)
        {
            var item = payload.Items[i];
            var n = i;
            await run.Progress.ReportAsync((double)n / payload.Items.Count, L["{0} of {1}: {2}", n, payload.Items.Count, item.Label]);
            try
            {
                var newId = await anonymizer.AnonymizeAsync(item.Level, item.OrthancId, payload.ProfileId, item.Overrides, run.Owner,
                    f => run.Progress.ReportAsync((n + f) / payload.Items.Count, L["{0} of {1}: {2}", n + 1, payload.Items.Count, item.Label]), ct, run.TaskId);
                results.Add(new(item.OrthancId, item.Label, newId, null, item.Level));
            }
            catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
            {
                results.Add(new(item.OrthancId, item.Label, null, L["Skipped: it was deleted from Orthanc after it was put in the basket."], item.Level));
            }
            catch (OrthancException ex)
            {
                results.Add(new(item.OrthancId, item.Label, null, ex.Message, item.Level));
            }
            await run.SaveCheckpointAsync(results);
        }
        var failed = results.Count(r => r.Error is not null);
        await run.Progress.ReportAsync(1, failed > 0 ? L["{0} anonymized, {1} skipped", results.Count - failed, failed] : L["{0} anonymized", results.Count]);
        if (failed == results.Count && results.Count > 0) throw new TaskFailedException(L["Nothing was anonymized: {0}", results[0].Error ?? ""]);
        return JsonSerializer.Serialize(results);
    }

    public static IReadOnlyList<AnonymizeResult> ReadResult(string? json)
        => json is null ? [] : JsonSerializer.Deserialize<List<AnonymizeResult>>(json) ?? [];
}
