namespace OrthancPortal.Features.Import;

/// <summary>Limits for uploads, from the "Import" configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest single file (or zip entry) accepted.</summary>
    public long MaxFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The largest zip file accepted; it is spooled to the data folder while its entries are read.</summary>
    public long MaxZipBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The most a zip may unpack to, all entries together; a zip declaring more is refused whole.</summary>
    public long MaxZipTotalBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>
    /// The highest compression ratio (unpacked : packed) of a zip entry. DICOM rarely packs better than 10:1;
    /// a bomb packs about 1000:1.
    /// </summary>
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>Entries up to this size are never refused for their ratio: a small, nearly empty file packs very well and harms no one.</summary>
    public long CompressionRatioFloorBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>How many files the browser sends at the same time.</summary>
    public int Parallelism { get; set; } = 4;
}
