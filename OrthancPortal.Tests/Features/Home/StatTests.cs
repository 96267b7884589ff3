using System.Globalization;
using Bunit;
using OrthancPortal.Features.Home;

namespace OrthancPortal.Tests.Features.Home;

/// <summary>A dashboard count reads as a number in the user's culture, never a raw 12345.</summary>
public sealed class StatTests : OrthancPortal.Tests.Components.PortalComponentTest
{

    [Theory]
    [InlineData("de-DE", "12.345")]
    [InlineData("en-GB", "12,345")]
    public void The_count_is_grouped_as_the_culture_writes_numbers_under_its_label(string culture, string shown)
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo(culture);
        try
        {
            var stat = Render<Stat>(p => p.Add(s => s.Label, "Studies").Add(s => s.Value, 12345).Add(s => s.Test, "count-studies"));
            stat.Find("[data-test=count-studies]").TextContent.ShouldBe(shown);
            stat.Markup.ShouldContain("Studies");
        }
        finally { CultureInfo.CurrentCulture = before; }
    }
}
