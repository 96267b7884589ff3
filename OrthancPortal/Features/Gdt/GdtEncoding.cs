using System.Text;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Gdt;

/// <summary>The character sets an AIS can be set to read GDT in.</summary>
public enum GdtCharset
{
    /// <summary>IBM code page 437, the GDT default ("DOS").</summary>
    Cp437,
    /// <summary>ISO 8859-1, written as Windows-1252 (its superset, what "Windows"/"ANSI" means in AIS settings).</summary>
    Iso8859_1,
    Iso8859_15,
}

public static class GdtEncoding
{
    /// <summary>An encoder that never throws: a character the charset lacks becomes its base letter (é -> e) or '?'.</summary>
    public static Encoding For(GdtCharset charset) => LegacyEncodings.For(CodePage(charset));

    public static int CodePage(GdtCharset charset) => charset switch
    {
        GdtCharset.Cp437 => 437,
        GdtCharset.Iso8859_1 => 1252,
        _ => 28605,
    };

    /// <summary>
    /// Field 9206 (Verwendeter Zeichensatz): 2 = IBM CP437, 3 = ISO 8859 (ANSI). GDT has no separate code for
    /// 8859-15; it differs from 8859-1 only in eight rarely used positions (€ among them).
    /// </summary>
    public static string FieldValue(GdtCharset charset) => charset == GdtCharset.Cp437 ? "2" : "3";

    /// <summary>The name for a Content-Type header.</summary>
    public static string WebName(GdtCharset charset) => charset switch
    {
        GdtCharset.Cp437 => "ibm437",
        GdtCharset.Iso8859_1 => "windows-1252",
        _ => "iso-8859-15",
    };
}
