namespace OrthancPortal.Components.Ui;

public enum DateRangePreset { Custom, Today, Yesterday, Last7Days, Last30Days, ThisMonth, Last12Months }

/// <summary>An inclusive date range; either end may be open (null).</summary>
public readonly record struct DateInterval(DateOnly? From, DateOnly? To)
{
    public static DateInterval Open { get; } = new(null, null);
    public bool IsOpen => From is null && To is null;
    public bool IsValid => From is null || To is null || From <= To;
}

/// <summary>The quick choices of <see cref="DateRange"/>. Every range ends today (or yesterday) and includes both ends.</summary>
public static class DateRangePresets
{
    public static IReadOnlyList<DateRangePreset> All { get; } =
        [DateRangePreset.Today, DateRangePreset.Yesterday, DateRangePreset.Last7Days, DateRangePreset.Last30Days,
         DateRangePreset.ThisMonth, DateRangePreset.Last12Months, DateRangePreset.Custom];

    public static DateInterval Compute(DateRangePreset preset, DateOnly today) => preset switch
    {
        DateRangePreset.Today => new(today, today),
        DateRangePreset.Yesterday => new(today.AddDays(-1), today.AddDays(-1)),
        // "Last 7 days" counts today, so it starts six days back.
        DateRangePreset.Last7Days => new(today.AddDays(-6), today),
        DateRangePreset.Last30Days => new(today.AddDays(-29), today),
        DateRangePreset.ThisMonth => new(new DateOnly(today.Year, today.Month, 1), today),
        // The day after the same date a year ago, so the range never covers the same calendar day twice.
        DateRangePreset.Last12Months => new(today.AddMonths(-12).AddDays(1), today),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "A custom range has no computed dates."),
    };

    /// <summary>The preset that yields exactly this range today, or Custom; lets the picker show a range set from outside.</summary>
    public static DateRangePreset Detect(DateInterval range, DateOnly today) =>
        All.FirstOrDefault(p => p != DateRangePreset.Custom && Compute(p, today) == range, DateRangePreset.Custom);

    public static string Label(DateRangePreset preset) => preset switch
    {
        DateRangePreset.Today => "Today",
        DateRangePreset.Yesterday => "Yesterday",
        DateRangePreset.Last7Days => "Last 7 days",
        DateRangePreset.Last30Days => "Last 30 days",
        DateRangePreset.ThisMonth => "This month",
        DateRangePreset.Last12Months => "Last 12 months",
        _ => "Custom",
    };
}
