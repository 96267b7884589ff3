using System.Globalization;
using System.Text;

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
    static GdtEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>An encoder that never throws: a character the charset lacks becomes its base letter (é -> e) or '?'.</summary>
    public static Encoding For(GdtCharset charset) => Encoding.GetEncoding(CodePage(charset), new SubstitutingEncoderFallback(CodePage(charset)), DecoderFallback.ReplacementFallback);

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

    private sealed class SubstitutingEncoderFallback(int codePage) : EncoderFallback
    {
        public override int MaxCharCount => 1;
        public override EncoderFallbackBuffer CreateFallbackBuffer() => new Buffer(codePage);

        private sealed class Buffer(int codePage) : EncoderFallbackBuffer
        {
            private char replacement;
            private bool pending;

            public override bool Fallback(char charUnknown, int index)
            {
                replacement = Substitute(charUnknown, codePage);
                pending = true;
                return true;
            }

            // A surrogate pair (emoji and the like) cannot be in any of these charsets.
            public override bool Fallback(char charUnknownHigh, char charUnknownLow, int index)
            {
                replacement = '?';
                pending = true;
                return true;
            }

            public override char GetNextChar()
            {
                if (!pending) return '\0';
                pending = false;
                return replacement;
            }

            public override bool MovePrevious() => false;
            public override int Remaining => pending ? 1 : 0;
        }

        /// <summary>The letter without its accent when the charset has that (Ł has none: '?').</summary>
        private static char Substitute(char c, int codePage)
        {
            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var baseChar = decomposed.FirstOrDefault(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark);
            if (baseChar != default && baseChar != c && baseChar < 128) return baseChar;
            return '?';
        }
    }
}
