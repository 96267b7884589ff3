using System.Globalization;
using OrthancPortal.Features.Robots;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class RobotFoundTests
{
    [Theory]
    [InlineData("de-DE", "Müller^Jürgen · 20240302 · CT Kopf", "Müller, Jürgen · 02.03.2024 · CT Kopf")]
    [InlineData("en-GB", "Müller^Jürgen · 20240302 · CT Kopf", "Müller, Jürgen · 02/03/2024 · CT Kopf")]
    [InlineData("de-DE", "Müller^Jürgen ·  · ", "Müller, Jürgen")]
    [InlineData("de-DE", "something else", "something else")]
    public void What_validation_found_reads_as_people_write_it(string culture, string found, string expected)
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            RobotFound.Format(found).ShouldBe(expected);
        }
        finally { CultureInfo.CurrentCulture = before; }
    }
}
