using System.Text;

namespace OrthancPortal.Features.Documents;

public enum DocumentKind { Pdf, Png, Jpeg }

/// <summary>A file that cannot be attached, with the reason in words (the endpoint answers 400 with it).</summary>
public sealed class DocumentRejectedException(string message) : Exception(message);

/// <summary>
/// Decides what a file is by its content, never its name: PDF (<c>%PDF-</c>), PNG (its 8-byte signature) or JPEG (FF D8 FF).
/// A PDF is refused when its bytes name active content: scripts (/JavaScript, /JS), forms (/AcroForm, /XFA), launch actions
/// (/Launch) or embedded files (/EmbeddedFile, /EmbeddedFiles). Names inside compressed object streams cannot be seen,
/// so this catches what can be told, not everything.
/// </summary>
public static class DocumentFile
{
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];

    /// <summary>PDF names that make a document do something when it is opened.</summary>
    public static readonly IReadOnlySet<string> ActiveNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "JavaScript", "JS", "AcroForm", "XFA", "Launch", "EmbeddedFile", "EmbeddedFiles",
    };

    public static string MimeType(DocumentKind kind) => kind switch
    {
        DocumentKind.Pdf => "application/pdf",
        DocumentKind.Png => "image/png",
        _ => "image/jpeg",
    };

    public static string Describe(DocumentKind kind) => kind == DocumentKind.Pdf ? "Encapsulated PDF" : $"Secondary Capture ({kind.ToString().ToUpperInvariant()})";

    /// <summary>Checks one file on disk; throws <see cref="DocumentRejectedException"/> naming the file and the reason.</summary>
    public static async Task<DocumentKind> CheckAsync(string path, string displayName, long maxBytes, CancellationToken ct = default)
    {
        var length = new FileInfo(path).Length;
        if (length == 0) throw new DocumentRejectedException($"{displayName}: the file is empty.");
        if (length > maxBytes) throw new DocumentRejectedException($"{displayName}: {Infrastructure.Text.ByteSize.Format(length)} is more than the {Infrastructure.Text.ByteSize.Format(maxBytes)} a document may have.");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var head = new byte[8];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var kind = Detect(head.AsSpan(0, read))
            ?? throw new DocumentRejectedException($"{displayName}: not a PDF, PNG or JPEG file (judged by its content, not its name).");
        if (kind != DocumentKind.Pdf) return kind;
        stream.Position = 0;
        if (await FindActiveNameAsync(stream, ct) is { } name)
            throw new DocumentRejectedException($"{displayName}: the PDF contains /{name} (scripts, forms, launch actions or embedded files are not accepted). Print it to a plain PDF first.");
        return kind;
    }

    public static DocumentKind? Detect(ReadOnlySpan<byte> head)
        => head.StartsWith(PdfMagic) ? DocumentKind.Pdf
            : head.StartsWith(PngMagic) ? DocumentKind.Png
            : head.StartsWith(JpegMagic) ? DocumentKind.Jpeg
            : null;

    /// <summary>
    /// Reads the PDF once and returns the first active name (after decoding #xx escapes, which hide /J#61vaScript), or null.
    /// A name is '/' followed by regular characters up to a delimiter or white space (PDF 32000-1, 7.2.2 and 7.3.5).
    /// </summary>
    public static async Task<string?> FindActiveNameAsync(Stream pdf, CancellationToken ct = default)
    {
        var buffer = new byte[81920];
        var name = new StringBuilder();
        var inName = false;
        var escape = -1; // hex digits of a #xx escape still to read, or -1
        var escaped = 0;
        int read;
        while ((read = await pdf.ReadAsync(buffer, ct)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (inName && escape > 0)
                {
                    var digit = HexValue(b);
                    if (digit < 0) { escape = -1; inName = false; }
                    else
                    {
                        escaped = escaped * 16 + digit;
                        if (--escape == 0) { name.Append((char)escaped); escape = -1; }
                        continue;
                    }
                }
                if (inName && IsRegular(b) && b != (byte)'#')
                {
                    if (name.Length < 64) name.Append((char)b);
                    continue;
                }
                if (inName && b == (byte)'#') { escape = 2; escaped = 0; continue; }
                if (inName && ActiveNames.Contains(name.ToString())) return name.ToString();
                inName = b == (byte)'/';
                name.Clear();
            }
        }
        return inName && ActiveNames.Contains(name.ToString()) ? name.ToString() : null;
    }

    private static bool IsRegular(byte b) => b > 32 && b < 127 && "()<>[]{}/%".IndexOf((char)b) < 0;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
