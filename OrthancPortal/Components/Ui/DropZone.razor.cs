using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;

namespace OrthancPortal.Components.Ui;

/// <summary>
/// Collects files and whole folders (drag and drop or pickers) in the browser and uploads them one request per file
/// to <see cref="UploadUrl"/>. File contents never pass through the Blazor circuit: .NET only sees names, sizes and results.
/// </summary>
public sealed partial class DropZone
{
    private readonly List<UploadFile> files = [];
    private readonly CancellationTokenSource disposed = new();
    private ElementReference zone;
    private DotNetObjectReference<DropZone>? selfRef;
    private bool attached;
    private bool uploading;
    private bool uploadAgain;
    private long totalBytes;
    private UploadProgress? progress;
    private DateTime lastRender;
    // Files of the current drop or pick, collected over several OnFilesQueued slices until OnQueueComplete.
    private List<UploadFile> pendingAdded = [];

    /// <summary>Endpoint that receives each file (POST). The feature that uses the zone owns it.</summary>
    [Parameter, EditorRequired] public string UploadUrl { get; set; } = "";
    /// <summary>multipart/form-data with the file under <see cref="FieldName"/> and a relativePath field; false sends the raw bytes.
    /// Either way the X-Relative-Path header carries the percent-encoded relative path.</summary>
    [Parameter] public bool Multipart { get; set; } = true;
    [Parameter] public string FieldName { get; set; } = "file";
    [Parameter] public int Parallelism { get; set; } = 4;
    /// <summary>Start uploading as soon as files are added.</summary>
    [Parameter] public bool AutoUpload { get; set; }
    [Parameter] public bool AllowFolders { get; set; } = true;
    /// <summary>The file picker's accept filter, e.g. ".dcm,application/dicom". Dropped files are not filtered.</summary>
    [Parameter] public string? Accept { get; set; }
    [Parameter] public bool Disabled { get; set; }
    [Parameter] public bool ShowFileList { get; set; } = true;
    [Parameter] public int MaxListedFiles { get; set; } = 50;
    /// <summary>Hint text inside the drop area.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }
    [Parameter] public string? DataTest { get; set; } = "drop-zone";

    [Parameter] public EventCallback<IReadOnlyList<UploadFile>> OnFilesAdded { get; set; }
    [Parameter] public EventCallback<UploadFile> OnFileUploaded { get; set; }
    [Parameter] public EventCallback<UploadProgress> OnProgress { get; set; }
    [Parameter] public EventCallback<UploadSummary> OnUploadFinished { get; set; }
    /// <summary>The browser could not read what was dropped (e.g. a folder without permission).</summary>
    [Parameter] public EventCallback<string> OnError { get; set; }

    public IReadOnlyList<UploadFile> Files => files;
    public bool IsUploading => uploading;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            selfRef = DotNetObjectReference.Create(this);
            await JS.InvokeVoidAsync("portal.dropZone.attach", zone, selfRef, new { disabled = Disabled });
            attached = true;
        }
        else if (attached)
        {
            await JS.InvokeVoidAsync("portal.dropZone.setOptions", zone, new { disabled = Disabled });
        }
    }

    /// <summary>Uploads every queued file. Returns when all have finished, failed or been cancelled.</summary>
    public Task StartUploadAsync() => RunUploadAsync(retryFailed: false);

    private Task RetryAsync() => RunUploadAsync(retryFailed: true);

    private async Task RunUploadAsync(bool retryFailed)
    {
        if (!attached || Disabled) return;
        if (uploading)
        {
            uploadAgain = true;
            return;
        }
        uploading = true;
        var runFiles = files.Where(f => f.Status == UploadStatus.Queued || retryFailed && f.Status is UploadStatus.Failed or UploadStatus.Cancelled).ToList();
        foreach (var f in runFiles) { f.Status = UploadStatus.Uploading; f.BytesSent = 0; f.Message = null; }
        progress = new UploadProgress(0, runFiles.Sum(f => f.Size));
        StateHasChanged();
        try
        {
            var token = Antiforgery.GetAntiforgeryToken();
            var options = new
            {
                zone,
                parallel = Math.Max(1, Parallelism),
                multipart = Multipart,
                fieldName = FieldName,
                retryFailed,
                antiforgeryToken = token?.Value,
            };
            // Passing a token replaces the interop call's default one-minute timeout: a big folder takes longer.
            var result = await JS.InvokeAsync<UploadSummary>("portal.upload", disposed.Token, selfRef, UploadUrl, options);
            await OnUploadFinished.InvokeAsync(result);
        }
        catch (OperationCanceledException) when (disposed.IsCancellationRequested)
        {
            return;
        }
        catch (JSException ex)
        {
            await OnZoneError(ex.Message);
        }
        finally
        {
            uploading = false;
            StateHasChanged();
        }
        if (uploadAgain)
        {
            uploadAgain = false;
            await RunUploadAsync(retryFailed: false);
        }
    }

    public async Task CancelAsync()
    {
        if (attached && uploading) await JS.InvokeVoidAsync("portal.dropZone.cancel", zone);
    }

    /// <summary>Forgets all files. Ignored while an upload runs.</summary>
    public async Task ClearAsync()
    {
        if (!attached || uploading) return;
        await JS.InvokeVoidAsync("portal.dropZone.clear", zone);
        files.Clear();
        totalBytes = 0;
        progress = null;
        StateHasChanged();
    }

    [JSInvokable]
    public Task OnFilesQueued(QueuedFileInfo[] added)
    {
        foreach (var a in added)
        {
            var file = new UploadFile { Index = a.Index, Name = a.Name, RelativePath = a.RelativePath, Size = a.Size };
            // Indexes are positions in the browser's queue; they only ever grow, so appending keeps them aligned.
            files.Add(file);
            pendingAdded.Add(file);
            totalBytes += a.Size;
        }
        return Task.CompletedTask;
    }

    [JSInvokable]
    public async Task OnQueueComplete(int count)
    {
        var added = pendingAdded;
        pendingAdded = [];
        StateHasChanged();
        await OnFilesAdded.InvokeAsync(added);
        if (AutoUpload) await StartUploadAsync();
    }

    [JSInvokable]
    public async Task OnFileProgress(int index, long sentBytes, long overallSent, long overallTotal)
    {
        if (Find(index) is { } file) file.BytesSent = sentBytes;
        progress = new UploadProgress(overallSent, overallTotal);
        await OnProgress.InvokeAsync(progress);
        RenderThrottled();
    }

    [JSInvokable]
    public async Task OnFileDone(int index, int httpStatus, string? message, string? body)
    {
        if (Find(index) is not { } file) return;
        file.HttpStatus = httpStatus;
        file.Message = message;
        file.ResponseBody = body;
        file.Status = httpStatus is >= 200 and < 300 ? UploadStatus.Done
            : message == "Cancelled" ? UploadStatus.Cancelled
            : UploadStatus.Failed;
        if (file.Status == UploadStatus.Done) file.BytesSent = file.Size;
        await OnFileUploaded.InvokeAsync(file);
        RenderThrottled();
    }

    [JSInvokable]
    public Task OnZoneError(string message) => OnError.HasDelegate ? OnError.InvokeAsync(message) : Task.CompletedTask;

    private UploadFile? Find(int index) => index >= 0 && index < files.Count ? files[index] : null;

    private int Count(UploadStatus status) => files.Count(f => f.Status == status);

    // Many small files finish within milliseconds of each other; a redraw for each would keep the circuit busy.
    private void RenderThrottled()
    {
        var now = DateTime.UtcNow;
        if (now - lastRender < TimeSpan.FromMilliseconds(200)) return;
        lastRender = now;
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        disposed.Cancel();
        try
        {
            if (attached) await JS.InvokeVoidAsync("portal.dropZone.detach", zone);
        }
        catch (JSDisconnectedException)
        {
            // The page is gone; so are its listeners.
        }
        selfRef?.Dispose();
        disposed.Dispose();
    }
}
