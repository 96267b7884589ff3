using System.Buffers.Binary;
using System.Text;

namespace OrthancPortal.Infrastructure.Dicom;

/// <summary>A DICOM tag, (group,element).</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    public uint Value => ((uint)Group << 16) | Element;
    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);
    public override string ToString() => $"({Group:X4},{Element:X4})";
}

/// <summary>
/// The few DICOM data elements the portal writes itself (fo-dicom is not available here): worklist files and
/// test data. Strings are stored as given and encoded in UTF-8, so datasets should carry SpecificCharacterSet ISO_IR 192.
/// </summary>
public sealed class DicomDataset
{
    private readonly SortedDictionary<DicomTag, (string Vr, byte[] Value, IReadOnlyList<DicomDataset>? Items)> elements = new();

    public DicomDataset Add(DicomTag tag, string vr, string? value)
    {
        elements[tag] = (vr, Pad(Encoding.UTF8.GetBytes(value ?? ""), vr), null);
        return this;
    }

    public DicomDataset Add(ushort group, ushort element, string vr, string? value) => Add(new DicomTag(group, element), vr, value);

    public DicomDataset AddUInt16(ushort group, ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        elements[new(group, element)] = ("US", bytes, null);
        return this;
    }

    public DicomDataset AddBytes(ushort group, ushort element, string vr, byte[] value)
    {
        elements[new(group, element)] = (vr, Pad(value, vr), null);
        return this;
    }

    public DicomDataset AddSequence(ushort group, ushort element, params DicomDataset[] items)
    {
        elements[new(group, element)] = ("SQ", [], items);
        return this;
    }

    /// <summary>Encodes the elements in tag order, explicit VR little endian.</summary>
    internal void WriteTo(Stream output)
    {
        foreach (var (tag, (vr, value, items)) in elements)
        {
            if (items is not null)
            {
                using var content = new MemoryStream();
                foreach (var item in items)
                {
                    using var itemBytes = new MemoryStream();
                    item.WriteTo(itemBytes);
                    WriteTag(content, 0xFFFE, 0xE000);
                    WriteUInt32(content, (uint)itemBytes.Length);
                    itemBytes.WriteTo(content);
                }
                WriteHeader(output, tag, "SQ", (uint)content.Length);
                content.WriteTo(output);
            }
            else
            {
                WriteHeader(output, tag, vr, (uint)value.Length);
                output.Write(value);
            }
        }
    }

    private static readonly HashSet<string> LongLengthVrs = ["OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT"];

    private static void WriteHeader(Stream output, DicomTag tag, string vr, uint length)
    {
        WriteTag(output, tag.Group, tag.Element);
        output.Write(Encoding.ASCII.GetBytes(vr));
        if (LongLengthVrs.Contains(vr))
        {
            output.Write([0, 0]);
            WriteUInt32(output, length);
        }
        else
        {
            if (length > ushort.MaxValue) throw new ArgumentException($"{tag} ({vr}) is too long: {length} bytes.");
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)length);
            output.Write(b);
        }
    }

    private static void WriteTag(Stream output, ushort group, ushort element)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(b, group);
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], element);
        output.Write(b);
    }

    private static void WriteUInt32(Stream output, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        output.Write(b);
    }

    /// <summary>DICOM values have even length: UIDs and binary pad with NUL, text with a space.</summary>
    private static byte[] Pad(byte[] value, string vr)
    {
        if (value.Length % 2 == 0) return value;
        var padded = new byte[value.Length + 1];
        value.CopyTo(padded, 0);
        padded[^1] = vr is "UI" or "OB" or "UN" ? (byte)0 : (byte)' ';
        return padded;
    }
}

/// <summary>Writes a DICOM Part 10 file: preamble, "DICM", File Meta group, then the dataset in explicit VR little endian.</summary>
public static class DicomFileWriter
{
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    public const string ImplementationClassUid = "2.25.248316790562118329447287410946470396915";
    public const string ImplementationVersion = "ORTHANCPORTAL1";

    public static byte[] Write(DicomDataset dataset, string sopClassUid, string sopInstanceUid)
    {
        using var output = new MemoryStream();
        output.Write(new byte[128]);
        output.Write("DICM"u8);

        var meta = new DicomDataset()
            .AddBytes(0x0002, 0x0001, "OB", [0x00, 0x01])
            .Add(0x0002, 0x0002, "UI", sopClassUid)
            .Add(0x0002, 0x0003, "UI", sopInstanceUid)
            .Add(0x0002, 0x0010, "UI", ExplicitVrLittleEndian)
            .Add(0x0002, 0x0012, "UI", ImplementationClassUid)
            .Add(0x0002, 0x0013, "SH", ImplementationVersion);
        using var metaBytes = new MemoryStream();
        meta.WriteTo(metaBytes);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)metaBytes.Length);
        new DicomDataset().AddBytes(0x0002, 0x0000, "UL", groupLength).WriteTo(output);
        metaBytes.WriteTo(output);

        dataset.WriteTo(output);
        return output.ToArray();
    }

    /// <summary>A new UID under the portal's root, from a random 128-bit number (the "2.25" scheme).</summary>
    public static string NewUid() => "2.25." + new System.Numerics.BigInteger([.. Guid.NewGuid().ToByteArray(), 0]).ToString();
}
