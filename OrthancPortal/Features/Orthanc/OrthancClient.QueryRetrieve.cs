using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>Remote C-FIND and C-MOVE through Orthanc's query/retrieve routes (1.10.1 has no C-GET client).</summary>
public sealed partial class OrthancClient
{
    /// <summary>Runs a C-FIND on a modality; <paramref name="timeoutSeconds"/> bounds the DICOM association.</summary>
    public Task<OrthancQueryStarted> QueryModalityAsync(string modality, string level, IReadOnlyDictionary<string, string> query, int timeoutSeconds, CancellationToken ct = default)
        => PostAsync<OrthancQueryStarted>($"modalities/{Name(modality)}/query",
            new { Level = level, Query = query, Normalize = true, Timeout = timeoutSeconds }, ct);

    /// <summary>The answers of a query, each as tag name -> value.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> GetQueryAnswersAsync(string queryId, CancellationToken ct = default)
    {
        var answers = await GetAsync<JsonArray>($"queries/{Id(queryId)}/answers?expand&simplify", ct);
        return answers.Select(a => (IReadOnlyDictionary<string, string>)(a as JsonObject ?? [])
                .Where(kv => kv.Value is JsonValue)
                .ToDictionary(kv => kv.Key, kv => kv.Value!.ToString()))
            .ToList();
    }

    /// <summary>Starts an asynchronous C-MOVE of one answer to <paramref name="targetAet"/>; returns Orthanc's job.</summary>
    public Task<OrthancJobStarted> RetrieveAnswerAsync(string queryId, int answer, string targetAet, int timeoutSeconds, CancellationToken ct = default)
        => PostAsync<OrthancJobStarted>($"queries/{Id(queryId)}/answers/{answer}/retrieve",
            new { TargetAet = targetAet, Asynchronous = true, Timeout = timeoutSeconds }, ct);

    public Task DeleteQueryAsync(string queryId, CancellationToken ct = default) => DeleteAsync($"queries/{Id(queryId)}", ct);
}

public sealed record OrthancQueryStarted(string ID, string Path);
