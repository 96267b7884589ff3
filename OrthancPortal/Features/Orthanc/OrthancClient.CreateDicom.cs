using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Orthanc;

/// <summary>New instances made by Orthanc from a file (/tools/create-dicom): documents and photos attached to a study.</summary>
public sealed partial class OrthancClient
{
    /// <summary>
    /// POST /tools/create-dicom with <c>Parent</c> = the study: Orthanc copies the patient and study modules from it and
    /// makes a new series with new UIDs. A PDF becomes Encapsulated PDF, a PNG/JPEG a Secondary Capture image. The file
    /// is streamed from disk into the request as base64 (create-dicom takes nothing else), never held in memory here.
    /// </summary>
    public async Task<OrthancCreatedInstance> CreateDicomAsync(string parentStudyId, IReadOnlyDictionary<string, string> tags, string mimeType,
        string contentFile, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "tools/create-dicom")
        {
            Content = new CreateDicomContent(Id(parentStudyId), tags, mimeType, contentFile),
        };
        using var response = await SendAsync(request, ct);
        return await ReadAsync<OrthancCreatedInstance>(response, ct);
    }

    /// <summary>{"Parent":..., "Tags":{...}, "Content":"data:&lt;mime&gt;;base64,&lt;the file&gt;"}, the file encoded while it is sent.</summary>
    private sealed class CreateDicomContent : HttpContent
    {
        private readonly byte[] head;
        private readonly byte[] tail = "\"}"u8.ToArray();
        private readonly string file;

        public CreateDicomContent(string parent, IReadOnlyDictionary<string, string> tags, string mimeType, string file)
        {
            this.file = file;
            var tagObject = new JsonObject();
            foreach (var (key, value) in tags) tagObject[key] = value;
            var json = new JsonObject { ["Parent"] = parent, ["Tags"] = tagObject }.ToJsonString();
            // The object is closed by the Content member, written by hand around the streamed base64.
            head = Encoding.UTF8.GetBytes($"{json[..^1]},\"Content\":\"data:{mimeType};base64,");
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
        {
            await stream.WriteAsync(head, ct);
            await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var base64 = new CryptoStream(source, new ToBase64Transform(), CryptoStreamMode.Read))
            {
                await base64.CopyToAsync(stream, ct);
            }
            await stream.WriteAsync(tail, ct);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = head.Length + (new FileInfo(file).Length + 2) / 3 * 4 + tail.Length;
            return true;
        }
    }
}

/// <summary>What /tools/create-dicom answers: the new instance's id and path.</summary>
public sealed record OrthancCreatedInstance(string ID, string Path);
