using System.Text;
using OrthancPortal.Features.Gdt;

namespace OrthancPortal.Tests.Features.Gdt;

public sealed class GdtWriterTests
{
    private static readonly GdtRecord Record = new("6310",
        [new("3000", "4711"), new("3101", "Müßig"), new("3102", "Jürgen Öztürk")],
        [[new("8410", "EXTPACS"), new("6228", "Bärchen äöüß")]]);

    // Umlauts per charset: ä ö ü ß (and Ö).
    public static TheoryData<GdtCharset, byte[], string> Charsets => new()
    {
        { GdtCharset.Cp437, [0x84, 0x94, 0x81, 0xE1], "2" },
        { GdtCharset.Iso8859_1, [0xE4, 0xF6, 0xFC, 0xDF], "3" },
        { GdtCharset.Iso8859_15, [0xE4, 0xF6, 0xFC, 0xDF], "3" },
    };

    [Theory]
    [MemberData(nameof(Charsets))]
    public void A_2_10_record_has_exact_bytes_and_8100_is_its_total(GdtCharset charset, byte[] umlauts, string charsetField)
    {
        var bytes = GdtWriter.Write(Record, new GdtFormat(GdtVersion.V210, charset, "PRAX_EDV", "ORTHANC"));

        // Each line: length (bytes incl. CR LF) + field + content. "Müßig" is 5 bytes in every single-byte charset.
        var expected = Expected(umlauts,
            "01380006310",
            "0148100{TOTAL}",
            "0178315PRAX_EDV",
            "0168316ORTHANC",
            $"0109206{charsetField}",
            "014921802.10",
            "0133000" + "4711",
            "0143101M{ue}{ss}ig",
            "0223102J{ue}rgen {OE}zt{ue}rk",
            "0168410EXTPACS",
            "0216228B{ae}rchen {ae}{oe}{ue}{ss}");
        const int total = 13 + 14 + 17 + 16 + 10 + 14 + 13 + 14 + 22 + 16 + 21;
        expected = Replace(expected, "{TOTAL}", Encoding.ASCII.GetBytes(total.ToString("D5")));
        expected.Length.ShouldBe(total);

        bytes.ShouldBe(expected);
        AssertLineLengths(bytes);
        Encoding.ASCII.GetString(bytes, 13 + 7, 5).ShouldBe(bytes.Length.ToString("D5"));
    }

    [Theory]
    [MemberData(nameof(Charsets))]
    public void A_3x_record_has_exact_bytes_with_objects(GdtCharset charset, byte[] umlauts, string charsetField)
    {
        var bytes = GdtWriter.Write(Record, new GdtFormat(GdtVersion.V3, charset, "PRAX_EDV", "ORTHANC"));

        var expected = Expected(umlauts,
            "01380006310",
            "0228002Obj_Kopfdaten",
            "0178315PRAX_EDV",
            "0168316ORTHANC",
            $"0109206{charsetField}",
            "014921803.01",
            "0228003Obj_Kopfdaten",
            "0208002Obj_Patient",
            "0133000" + "4711",
            "0143101M{ue}{ss}ig",
            "0223102J{ue}rgen {OE}zt{ue}rk",
            "0208003Obj_Patient",
            "0258002Obj_Untersuchung",
            "0168410EXTPACS",
            "0216228B{ae}rchen {ae}{oe}{ue}{ss}",
            "0258003Obj_Untersuchung",
            "01380016310");

        bytes.ShouldBe(expected);
        AssertLineLengths(bytes);
    }

    [Fact]
    public void Characters_the_charset_lacks_are_substituted_never_thrown()
    {
        var record = new GdtRecord("6310", [new("3101", "Łukasz Gőz €5 😀")], []);

        var cp437 = GdtWriter.Write(record, new GdtFormat(GdtVersion.V3, GdtCharset.Cp437, "A", "B"));
        Encoding.Latin1.GetString(cp437).ShouldContain("3101?ukasz Goz ?5 ?\r\n");
        AssertLineLengths(cp437);

        // ISO 8859-15 has the euro sign (0xA4), 8859-1/Windows-1252 too (0x80); neither has Ł or the emoji.
        var latin9 = GdtWriter.Write(record, new GdtFormat(GdtVersion.V3, GdtCharset.Iso8859_15, "A", "B"));
        latin9.ShouldContain((byte)0xA4);
        AssertLineLengths(latin9);
    }

    [Fact]
    public void Line_breaks_in_values_never_break_the_line_structure()
    {
        var line = GdtWriter.Line("6228", "eins\r\nzwei\nß", GdtEncoding.For(GdtCharset.Iso8859_1));
        Encoding.Latin1.GetString(line).ShouldBe("0206228eins zwei \u00DF\r\n");
    }

    [Fact]
    public void The_new_study_record_carries_patient_accession_date_time_and_the_description_line()
    {
        var record = NewStudyGdt.Build(new GdtStudy("P1", "R0000000001", "20261121", "093015.123", "US", "Abdomen"), "EXTPACS", "PACS-Datensatz");
        var text = Encoding.Latin1.GetString(GdtWriter.Write(record, new GdtFormat(GdtVersion.V210, GdtCharset.Iso8859_1, "PRAX_EDV", "ORTHANC")));
        text.ShouldContain("0113000P1\r\n");
        text.ShouldContain("0178432" + "21112026\r\n");
        text.ShouldContain("0158439093015\r\n");
        text.ShouldContain("0208428R0000000001\r\n");
        text.ShouldContain("0346228R0000000001 / US: Abdomen\r\n");
        text.ShouldContain("0238411PACS-Datensatz\r\n");
    }

    [Fact]
    public void Missing_tags_give_empty_values_not_a_lost_record()
    {
        var record = NewStudyGdt.Build(new GdtStudy("P1", "S0123", "", "", "", ""), "EXTPACS", "PACS-Datensatz");
        var text = Encoding.Latin1.GetString(GdtWriter.Write(record, new GdtFormat(GdtVersion.V3, GdtCharset.Cp437, "PRAX_EDV", "ORTHANC")));
        text.ShouldContain("0098432\r\n");
        text.ShouldContain("0098439\r\n");
        text.ShouldContain("0196228S0123 / : \r\n");
    }

    /// <summary>Every line's 3-digit prefix equals its own byte length, CR LF included.</summary>
    private static void AssertLineLengths(byte[] bytes)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            var length = int.Parse(Encoding.ASCII.GetString(bytes, position, 3));
            bytes[position + length - 2].ShouldBe((byte)'\r');
            bytes[position + length - 1].ShouldBe((byte)'\n');
            position += length;
        }
        position.ShouldBe(bytes.Length);
    }

    /// <summary>Builds the expected bytes by hand: ASCII text with the umlaut bytes of the charset put in.</summary>
    private static byte[] Expected(byte[] umlauts, params string[] lines)
    {
        var result = new List<byte>();
        foreach (var line in lines)
        {
            var text = line + "\r\n";
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '{' && text.IndexOf('}', i) is var end && end > i && text[(i + 1)..end] is var name && name != "TOTAL")
                {
                    result.Add(name switch
                    {
                        "ae" => umlauts[0],
                        "oe" => umlauts[1],
                        "ue" => umlauts[2],
                        "ss" => umlauts[3],
                        // Ö: CP437 0x99, Latin-1/-9 0xD6.
                        "OE" => umlauts[0] == 0x84 ? (byte)0x99 : (byte)0xD6,
                        _ => throw new ArgumentException(name),
                    });
                    i = end;
                }
                else result.Add((byte)text[i]);
            }
        }
        return [.. result];
    }

    private static byte[] Replace(byte[] source, string placeholder, byte[] value)
    {
        var text = Encoding.Latin1.GetString(source);
        var index = text.IndexOf(placeholder, StringComparison.Ordinal);
        return [.. source[..index], .. value, .. source[(index + placeholder.Length)..]];
    }
}
