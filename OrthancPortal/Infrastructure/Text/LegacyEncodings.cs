using System.Globalization;
using System.Text;

namespace OrthancPortal.Infrastructure.Text;

/// <summary>
/// Windows and DOS code pages for files other programs read (GDT for the office system, disc request files for
/// the Windows disc software). Their encoders never throw and never write invalid bytes: a character the code page
/// lacks becomes its base letter (é -> e, Ł has none) or '?'.
/// </summary>
public static class LegacyEncodings
{
    /// <summary>Windows "ANSI" for western languages: what Windows programs mean by an ANSI text file.</summary>
    public const int Windows1252 = 1252;

    // The code pages ship with .NET but are only served once their provider is registered.
    static LegacyEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding For(int codePage) => Encoding.GetEncoding(codePage, new SubstitutingEncoderFallback(), DecoderFallback.ReplacementFallback);

    /// <summary>A strict decoder: throws <see cref="DecoderFallbackException"/> on bytes that are not text in this code page.</summary>
    public static Encoding StrictDecoder(int codePage) => Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private sealed class SubstitutingEncoderFallback : EncoderFallback
    {
        public override int MaxCharCount => 1;
        public override EncoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        private sealed class Buffer : EncoderFallbackBuffer
        {
            private char replacement;
            private bool pending;

            public override bool Fallback(char charUnknown, int index)
            {
                replacement = Substitute(charUnknown);
                pending = true;
                return true;
            }

            // A surrogate pair (emoji and the like) is in none of these code pages.
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

        private static char Substitute(char c)
        {
            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var baseChar = decomposed.FirstOrDefault(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark);
            return baseChar != default && baseChar != c && baseChar < 128 ? baseChar : '?';
        }
    }
}
