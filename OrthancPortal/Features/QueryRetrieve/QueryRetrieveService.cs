using FluentValidation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>
/// C-FIND and C-MOVE through the portal's Orthanc. Every query carries a DICOM timeout; every retrieve is an
/// asynchronous Orthanc job (1.10.1 has no C-GET client) that is followed with its own overall deadline.
/// </summary>
public sealed class QueryRetrieveService(OrthancClient orthanc, OwnAetCache ownAet, StudyOriginClassifier origins, IOptions<QueryRetrieveOptions> options,
    IStringLocalizer<QueryRetrieveService> L)
{
    private QueryRetrieveOptions Options => options.Value;

    public int AnswerLimit => Options.AnswerLimit;

    public async Task<IReadOnlyList<string>> ModalityNamesAsync(CancellationToken ct = default)
        => (await orthanc.GetModalitiesAsync(ct)).Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The modality with this AE title, for query lists that name the remote by AET.</summary>
    public async Task<string?> ModalityByAetAsync(string aet, CancellationToken ct = default)
        => (await orthanc.GetModalitiesAsync(ct)).FirstOrDefault(m => string.Equals(m.Value.AET, aet.Trim(), StringComparison.OrdinalIgnoreCase)).Key;

    public async Task<QueryResult<StudyAnswer>> FindStudiesAsync(string modality, QueryCriteria criteria, int? limit = null, CancellationToken ct = default)
    {
        new QueryCriteria.Validator().ValidateAndThrow(criteria);
        var answers = await FindAsync(modality, "Study", criteria.ToStudyQuery(), ct);
        var studies = answers.Select(a => StudyAnswer.From(modality, a)).Where(s => s.StudyInstanceUid != "").ToList();
        var max = limit ?? Options.AnswerLimit;
        return new QueryResult<StudyAnswer>(studies.Take(max).ToList(), studies.Count);
    }

    /// <summary>The series of one study, optionally filtered by series description (wildcards allowed) and modality.</summary>
    public async Task<IReadOnlyList<SeriesAnswer>> FindSeriesAsync(string modality, string studyUid, string? description = null, string? seriesModality = null, CancellationToken ct = default)
    {
        var query = new Dictionary<string, string>
        {
            ["StudyInstanceUID"] = Uid(studyUid),
            ["SeriesInstanceUID"] = "",
            ["Modality"] = (seriesModality ?? "").Trim().ToUpperInvariant(),
            ["SeriesDescription"] = (description ?? "").Trim(),
            ["SeriesNumber"] = "",
            ["NumberOfSeriesRelatedInstances"] = "",
        };
        var answers = await FindAsync(modality, "Series", query, ct);
        return answers.Select(a => SeriesAnswer.From(modality, a)).Where(s => s.SeriesInstanceUid != "").ToList();
    }

    /// <summary>How many answers the remote gives for exactly this study (or series): 1 means the UID is unambiguous.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> FindByUidAsync(string modality, string studyUid, string? seriesUid, CancellationToken ct = default)
    {
        var (level, query) = UidQuery(studyUid, seriesUid);
        query["PatientID"] = "";
        query["PatientName"] = "";
        query["StudyDate"] = "";
        query["StudyDescription"] = "";
        query["AccessionNumber"] = "";
        return await FindAsync(modality, level, query, ct);
    }

    /// <summary>
    /// Starts the C-MOVE of one study or series to the portal's own AET and returns Orthanc's job id, so the
    /// caller can persist it before following the job (a restart then follows the same job instead of moving twice).
    /// </summary>
    public async Task<string> StartRetrieveAsync(string modality, string studyUid, string? seriesUid, CancellationToken ct = default)
    {
        var (level, query) = UidQuery(studyUid, seriesUid);
        var started = await orthanc.QueryModalityAsync(modality, level, query, Options.QueryTimeoutSeconds, ct);
        var answers = await orthanc.GetQueryAnswersAsync(started.ID, ct);
        if (answers.Count != 1)
        {
            throw new RetrieveException(answers.Count == 0
                ? (level == "Series" ? L["The series is no longer on {0}.", modality] : L["The study is no longer on {0}.", modality])
                : L["{0} answers on {1} for one UID; refusing an ambiguous retrieve.", answers.Count, modality]);
        }
        // Recorded before the move: automatic work (burner, GDT, automation) then knows the study as retrieved, not as new.
        await origins.RecordRetrieveAsync(Uid(studyUid), modality, ct);
        var job = await orthanc.RetrieveAnswerAsync(started.ID, 0, await ownAet.GetAsync(orthanc, ct), Options.MoveTimeoutSeconds, ct);
        return job.ID;
    }

    /// <summary>
    /// Follows a retrieve job to its end (progress 0..1) within the retrieve deadline, then finds the local study.
    /// Returns the local Orthanc study id. On timeout the Orthanc job is cancelled. <paramref name="moved"/> is called
    /// when the move has ended well, before the study is looked up (the robot frees the move's slot then).
    /// </summary>
    public async Task<string> FollowRetrieveAsync(string jobId, string studyUid, Func<double, Task>? progress = null, CancellationToken ct = default,
        Action? moved = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(Options.RetrieveTimeoutSeconds));
        try
        {
            await orthanc.WaitForJobAsync(jobId, progress, TimeSpan.FromMilliseconds(Options.JobPollMilliseconds), deadline.Token);
            moved?.Invoke();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await CancelJobQuietlyAsync(jobId);
            throw new RetrieveException(L["The retrieve did not finish within {0} s and was cancelled.", Options.RetrieveTimeoutSeconds]);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.ServerError)
        {
            throw new RetrieveException(ex.Message);
        }
        return await LocalStudyIdAsync(studyUid, ct)
            ?? throw new RetrieveException(L["The move finished but the study did not arrive. Does the remote know the portal's AET, host and port?"]);
    }

    public async Task<string?> LocalStudyIdAsync(string studyUid, CancellationToken ct = default)
        => (await orthanc.LookupAsync(Uid(studyUid), ct)).FirstOrDefault(l => l.Type == "Study")?.ID;

    /// <summary>The state of an earlier retrieve job, or null when Orthanc no longer knows it.</summary>
    public async Task<OrthancJob?> GetJobAsync(string jobId, CancellationToken ct = default)
    {
        try { return await orthanc.GetJobAsync(jobId, ct); }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound) { return null; }
    }

    public async Task CancelJobQuietlyAsync(string jobId)
    {
        try { await orthanc.JobActionAsync(jobId, "cancel"); }
        catch (OrthancException) { }
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> FindAsync(string modality, string level, Dictionary<string, string> query, CancellationToken ct)
    {
        try
        {
            var started = await orthanc.QueryModalityAsync(modality, level, query, Options.QueryTimeoutSeconds, ct);
            var answers = await orthanc.GetQueryAnswersAsync(started.ID, ct);
            await orthanc.DeleteQueryAsync(started.ID, ct);
            return answers;
        }
        catch (OrthancException ex) when (ex.Failure is OrthancFailure.ServerError or OrthancFailure.BadRequest)
        {
            // Orthanc's own reason (e.g. "Error in the network protocol: association rejected") reads better than the HTTP call.
            throw new RetrieveException(L["The query on {0} failed: {1}", modality, ex.Reason.Length > 0 ? ex.Reason : ex.Message]);
        }
    }

    private (string Level, Dictionary<string, string> Query) UidQuery(string studyUid, string? seriesUid)
    {
        var query = new Dictionary<string, string> { ["StudyInstanceUID"] = Uid(studyUid) };
        if (string.IsNullOrWhiteSpace(seriesUid)) return ("Study", query);
        query["SeriesInstanceUID"] = Uid(seriesUid);
        return ("Series", query);
    }

    /// <summary>UIDs become exact-match keys; anything but digits and dots would turn them into wildcards.</summary>
    private string Uid(string uid)
    {
        var trimmed = uid.Trim();
        if (trimmed.Length is 0 or > 64 || !trimmed.All(c => char.IsAsciiDigit(c) || c == '.')) throw new RetrieveException(L["'{0}' is not a DICOM UID.", uid]);
        return trimmed;
    }
}

/// <summary>A query or retrieve that failed, with a reason for the user.</summary>
public sealed class RetrieveException(string message) : Exception(message);
