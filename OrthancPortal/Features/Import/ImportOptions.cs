namespace OrthancPortal.Features.Import;

/// <summary>Limits for uploads, from the "Import" configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest single file (or zip entry) accepted.</summary>
    public long MaxFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The largest zip file accepted; it is spooled to the data folder while its entries are read.</summary>
    public long MaxZipBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How many files the browser sends at the same time.</summary>
    public int Parallelism { get; set; } = 4;
}
