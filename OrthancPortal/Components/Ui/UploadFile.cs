using System.Text.Json;

namespace OrthancPortal.Components.Ui;

public enum UploadStatus { Queued, Uploading, Done, Failed, Cancelled }

/// <summary>One file queued in a <see cref="DropZone"/>. The bytes stay in the browser; this is what .NET knows about it.</summary>
public sealed class UploadFile
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    /// <summary>Path inside the dropped or picked folder, with '/' separators; the bare name for single files.</summary>
    public required string RelativePath { get; init; }
    public required long Size { get; init; }
    public UploadStatus Status { get; internal set; } = UploadStatus.Queued;
    public long BytesSent { get; internal set; }
    /// <summary>HTTP status of the upload request; 0 when no answer came (network error, cancelled).</summary>
    public int HttpStatus { get; internal set; }
    public string? Message { get; internal set; }
    /// <summary>The server's answer as text (JSON for the portal's endpoints); null when none or too large to pass on.</summary>
    public string? ResponseBody { get; internal set; }

    public T? ResponseAs<T>() => string.IsNullOrEmpty(ResponseBody) ? default : JsonSerializer.Deserialize<T>(ResponseBody, JsonSerializerOptions.Web);
}

/// <summary>Bytes sent so far over all files of the running upload.</summary>
public sealed record UploadProgress(long SentBytes, long TotalBytes)
{
    public double Fraction => TotalBytes == 0 ? 1 : (double)SentBytes / TotalBytes;
}

/// <summary>Outcome of one <see cref="DropZone.StartUploadAsync"/> run.</summary>
public sealed record UploadSummary(int Done, int Failed, int Cancelled);

/// <summary>What the JS queue sends for each added file.</summary>
public sealed record QueuedFileInfo(int Index, string Name, string RelativePath, long Size);
