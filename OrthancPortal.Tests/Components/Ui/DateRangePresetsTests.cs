using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

public class DateRangePresetsTests
{
    private static readonly DateOnly Today = new(2024, 3, 15);

    [Fact]
    public void Today_is_a_single_day()
        => DateRangePresets.Compute(DateRangePreset.Today, Today).ShouldBe(new DateInterval(Today, Today));

    [Fact]
    public void Yesterday_is_the_day_before_only()
        => DateRangePresets.Compute(DateRangePreset.Yesterday, Today).ShouldBe(new DateInterval(new DateOnly(2024, 3, 14), new DateOnly(2024, 3, 14)));

    [Fact]
    public void Yesterday_crosses_a_year_boundary()
        => DateRangePresets.Compute(DateRangePreset.Yesterday, new DateOnly(2024, 1, 1)).From.ShouldBe(new DateOnly(2023, 12, 31));

    [Fact]
    public void Last_7_days_ends_today_and_spans_seven_days()
    {
        var range = DateRangePresets.Compute(DateRangePreset.Last7Days, Today);
        range.To.ShouldBe(Today);
        range.From.ShouldBe(new DateOnly(2024, 3, 9));
        (range.To!.Value.DayNumber - range.From!.Value.DayNumber + 1).ShouldBe(7);
    }

    [Fact]
    public void Last_30_days_ends_today_and_spans_thirty_days()
    {
        var range = DateRangePresets.Compute(DateRangePreset.Last30Days, Today);
        range.To.ShouldBe(Today);
        (range.To!.Value.DayNumber - range.From!.Value.DayNumber + 1).ShouldBe(30);
    }

    [Fact]
    public void This_month_starts_on_the_first()
        => DateRangePresets.Compute(DateRangePreset.ThisMonth, Today).ShouldBe(new DateInterval(new DateOnly(2024, 3, 1), Today));

    [Fact]
    public void This_month_on_the_first_is_one_day()
        => DateRangePresets.Compute(DateRangePreset.ThisMonth, new DateOnly(2024, 3, 1)).ShouldBe(new DateInterval(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 1)));

    [Fact]
    public void Last_12_months_starts_the_day_after_the_same_date_a_year_ago()
        => DateRangePresets.Compute(DateRangePreset.Last12Months, Today).ShouldBe(new DateInterval(new DateOnly(2023, 3, 16), Today));

    [Fact]
    public void Last_12_months_from_a_leap_day_starts_on_the_first_of_march()
        => DateRangePresets.Compute(DateRangePreset.Last12Months, new DateOnly(2024, 2, 29)).From.ShouldBe(new DateOnly(2023, 3, 1));

    [Fact]
    public void Custom_has_no_computed_range()
        => Should.Throw<ArgumentOutOfRangeException>(() => DateRangePresets.Compute(DateRangePreset.Custom, Today));

    [Theory]
    [InlineData(DateRangePreset.Today)]
    [InlineData(DateRangePreset.Yesterday)]
    [InlineData(DateRangePreset.Last7Days)]
    [InlineData(DateRangePreset.Last30Days)]
    [InlineData(DateRangePreset.Last12Months)]
    public void Detect_recognises_each_computed_preset(DateRangePreset preset)
        => DateRangePresets.Detect(DateRangePresets.Compute(preset, Today), Today).ShouldBe(preset);

    [Fact]
    public void Detect_prefers_this_month_over_nothing_and_falls_back_to_custom()
    {
        DateRangePresets.Detect(new DateInterval(new DateOnly(2024, 3, 1), Today), Today).ShouldBe(DateRangePreset.ThisMonth);
        DateRangePresets.Detect(new DateInterval(new DateOnly(2020, 1, 1), Today), Today).ShouldBe(DateRangePreset.Custom);
        DateRangePresets.Detect(new DateInterval(null, Today), Today).ShouldBe(DateRangePreset.Custom);
    }

    [Fact]
    public void Every_preset_has_a_label()
        => DateRangePresets.All.Select(DateRangePresets.Label).ShouldAllBe(label => !string.IsNullOrWhiteSpace(label));
}
