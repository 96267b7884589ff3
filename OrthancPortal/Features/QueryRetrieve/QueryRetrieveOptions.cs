namespace OrthancPortal.Features.QueryRetrieve;

/// <summary>Limits for remote queries and moves (section "QueryRetrieve").</summary>
public sealed class QueryRetrieveOptions
{
    public const string Section = "QueryRetrieve";
    /// <summary>DICOM timeout of one C-FIND, in seconds.</summary>
    public int QueryTimeoutSeconds { get; set; } = 30;
    /// <summary>DICOM timeout of one C-MOVE association, in seconds.</summary>
    public int MoveTimeoutSeconds { get; set; } = 60;
    /// <summary>How long one retrieve may take in total before it is cancelled, in seconds.</summary>
    public int RetrieveTimeoutSeconds { get; set; } = 900;
    /// <summary>At most this many answers of one query are shown (protects against "find everything").</summary>
    public int AnswerLimit { get; set; } = 500;
    /// <summary>
    /// The longest wait between two looks at a running retrieve job, in milliseconds; young jobs are looked at
    /// sooner (<see cref="Orthanc.OrthancClient.NextPollDelay"/>).
    /// </summary>
    public int JobPollMilliseconds { get; set; } = 100;
}
