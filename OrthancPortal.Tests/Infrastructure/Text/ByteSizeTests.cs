using System.Globalization;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Tests.Infrastructure.Text;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1 KB")]
    [InlineData(1536L, "1.5 KB")]
    [InlineData(320L * 1024 * 1024, "320 MB")]
    [InlineData(5L * 1024 * 1024 * 1024 + 512L * 1024 * 1024, "5.5 GB")]
    [InlineData(20L * 1024 * 1024 * 1024, "20 GB")]
    public void Formats_in_steps_of_1024(long bytes, string expected)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            ByteSize.Format(bytes).ShouldBe(expected);
        }
        finally { CultureInfo.CurrentCulture = saved; }
    }
}
