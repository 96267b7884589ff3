using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Infrastructure.Dicom;

public class DicomDateRangeTests
{
    private static readonly DateOnly Jan5 = new(2024, 1, 5);
    private static readonly DateOnly Feb29 = new(2024, 2, 29);

    [Fact]
    public void Closed_range_is_two_dates_joined_by_a_dash()
        => DicomDateRange.Format(Jan5, Feb29).ShouldBe("20240105-20240229");

    [Fact]
    public void Open_start_has_nothing_before_the_dash()
        => DicomDateRange.Format(null, Feb29).ShouldBe("-20240229");

    [Fact]
    public void Open_end_has_nothing_after_the_dash()
        => DicomDateRange.Format(Jan5, null).ShouldBe("20240105-");

    [Fact]
    public void Fully_open_range_is_no_constraint()
        => DicomDateRange.Format(null, null).ShouldBeNull();

    [Fact]
    public void Same_day_is_a_one_day_range()
        => DicomDateRange.Format(Jan5, Jan5).ShouldBe("20240105-20240105");

    [Fact]
    public void Reversed_range_is_rejected()
        => Should.Throw<ArgumentException>(() => DicomDateRange.Format(Feb29, Jan5));

    [Fact]
    public void Formatting_ignores_the_current_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("th-TH"); // Buddhist calendar
            DicomDateRange.Format(Jan5, null).ShouldBe("20240105-");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("20240105-20240229", "2024-01-05", "2024-02-29")]
    [InlineData("-20240229", null, "2024-02-29")]
    [InlineData("20240105-", "2024-01-05", null)]
    [InlineData("20240105", "2024-01-05", "2024-01-05")]
    [InlineData("", null, null)]
    public void Parses_what_it_formats(string text, string? from, string? to)
    {
        DicomDateRange.TryParse(text, out var range).ShouldBeTrue();
        range.ShouldBe(new DateInterval(from is null ? null : DateOnly.Parse(from), to is null ? null : DateOnly.Parse(to)));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("2024-01-05")]
    [InlineData("20240230")]
    [InlineData("20240229-20240105")]
    [InlineData("1-2-3")]
    public void Rejects_malformed_or_reversed_ranges(string text)
        => DicomDateRange.TryParse(text, out _).ShouldBeFalse();
}
