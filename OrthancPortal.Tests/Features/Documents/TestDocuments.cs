using System.IO.Compression;
using System.Text;

namespace OrthancPortal.Tests.Features.Documents;

/// <summary>Small real files for the document tests: a plain PDF, PDFs with active content, and a PNG made here.</summary>
public static class TestDocuments
{
    /// <summary>A one-page PDF. Its length is odd on purpose: DICOM pads the encapsulated document to an even length.</summary>
    public static byte[] Pdf(string text = "Referral letter")
    {
        var body = $"BT /F1 18 Tf 72 720 Td ({text}) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {body.Length} >>\nstream\n{body}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) pdf.Append($"{o:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        if (pdf.Length % 2 == 0) pdf.Append('\n');
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>A PDF whose catalog carries <paramref name="entry"/> (e.g. "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>").</summary>
    public static byte[] PdfWith(string entry)
        => Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Pdf()).Replace("<< /Type /Catalog /Pages 2 0 R >>", $"<< /Type /Catalog /Pages 2 0 R {entry} >>"));

    /// <summary>A real RGB PNG of a colour gradient (zlib via System.IO.Compression, CRC-32 computed here).</summary>
    public static byte[] Png(int width = 32, int height = 24)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++) { raw.WriteByte((byte)(x * 255 / width)); raw.WriteByte((byte)(y * 255 / height)); raw.WriteByte(128); }
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(z);

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BigEndian(header, 0, width);
        BigEndian(header, 4, height);
        header[8] = 8; header[9] = 2; // 8 bits, RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BigEndian(length, 0, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BigEndian(crc, 0, unchecked((int)Crc32(typed)));
        png.Write(crc);
    }

    private static void BigEndian(byte[] into, int at, int value)
    {
        into[at] = (byte)(value >> 24); into[at + 1] = (byte)(value >> 16); into[at + 2] = (byte)(value >> 8); into[at + 3] = (byte)value;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
