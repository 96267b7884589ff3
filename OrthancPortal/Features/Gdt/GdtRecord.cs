using System.Text;

namespace OrthancPortal.Features.Gdt;

/// <summary>One GDT field: a 4-digit field id and its text.</summary>
public readonly record struct GdtField(string Id, string Value);

/// <summary>
/// A GDT record before encoding: its type (8000), the patient's fields and one group of fields per test.
/// Versions differ only in framing: 2.10 is flat, 3.x puts the parts into objects.
/// </summary>
public sealed record GdtRecord(string Type, IReadOnlyList<GdtField> Patient, IReadOnlyList<IReadOnlyList<GdtField>> Tests);

public enum GdtVersion { V210, V3 }

/// <summary>Who writes and who reads, how: the parts of a GDT target that shape the bytes.</summary>
public sealed record GdtFormat(GdtVersion Version, GdtCharset Charset, string ReceiverId, string SenderId);

/// <summary>
/// Encodes GDT records. Each line is a 3-digit length, a 4-digit field id, the content and CR LF; the length
/// counts the whole line in bytes after encoding. In 2.10, field 8100 holds the byte total of the record.
/// </summary>
public static class GdtWriter
{
    /// <summary>3 length digits + 4 field digits + CR LF.</summary>
    private const int Overhead = 9;
    private const int MaxLine = 999;

    public static byte[] Write(GdtRecord record, GdtFormat format)
    {
        var encoding = GdtEncoding.For(format.Charset);
        var header = new List<GdtField>
        {
            new("8315", format.ReceiverId), // GDT-ID des Empfängers
            new("8316", format.SenderId),   // GDT-ID des Senders
            new("9206", GdtEncoding.FieldValue(format.Charset)), // verwendeter Zeichensatz
        };
        var lines = new List<byte[]>();
        void Add(string id, string value) => lines.Add(Line(id, value, encoding));

        if (format.Version == GdtVersion.V210)
        {
            Add("8000", record.Type);
            var lengthIndex = lines.Count;
            Add("8100", "00000"); // Satzlänge, filled in below
            foreach (var f in header) Add(f.Id, f.Value);
            Add("9218", "02.10"); // Version GDT
            foreach (var f in record.Patient) Add(f.Id, f.Value);
            foreach (var f in record.Tests.SelectMany(t => t)) Add(f.Id, f.Value);
            var total = lines.Sum(l => l.Length);
            if (total > 99999) throw new InvalidOperationException($"A GDT 2.10 record cannot exceed 99999 bytes (this one has {total}).");
            lines[lengthIndex] = Line("8100", total.ToString("D5"), encoding);
        }
        else
        {
            Add("8000", record.Type);
            Object("Obj_Kopfdaten", [.. header, new("9218", "03.01")]);
            Object("Obj_Patient", record.Patient);
            foreach (var test in record.Tests) Object("Obj_Untersuchung", test);
            Add("8001", record.Type);
        }
        return lines.SelectMany(l => l).ToArray();

        void Object(string name, IEnumerable<GdtField> fields)
        {
            Add("8002", name); // Objekt-Start
            foreach (var f in fields) Add(f.Id, f.Value);
            Add("8003", name); // Objekt-Ende
        }
    }

    /// <summary>One line. Line breaks in the content become spaces; content too long for a line is cut at a character boundary.</summary>
    public static byte[] Line(string id, string? value, Encoding encoding)
    {
        var content = (value ?? "").Replace("\r\n", " ").Replace('\r', ' ').Replace('\n', ' ');
        var bytes = encoding.GetBytes(content);
        while (bytes.Length + Overhead > MaxLine)
        {
            content = content[..^1];
            bytes = encoding.GetBytes(content);
        }
        var length = bytes.Length + Overhead;
        var line = new byte[length];
        Encoding.ASCII.GetBytes($"{length:D3}{id}").CopyTo(line, 0);
        bytes.CopyTo(line, 7);
        line[^2] = (byte)'\r';
        line[^1] = (byte)'\n';
        return line;
    }
}
