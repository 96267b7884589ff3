namespace OrthancPortal.Features.Robots;

/// <summary>
/// The daily time window in which a robot may retrieve. Start is inclusive, stop exclusive. A stop before the
/// start crosses midnight (22:00-06:00 is open at 23:30 and at 05:59). Start equal to stop means always open.
/// </summary>
public readonly record struct ScheduleWindow(TimeOnly Start, TimeOnly Stop)
{
    public static ScheduleWindow Always { get; } = new(TimeOnly.MinValue, TimeOnly.MinValue);

    public bool IsAlwaysOpen => Start == Stop;
    public bool CrossesMidnight => Stop < Start;

    public bool IsOpen(TimeOnly now)
    {
        if (IsAlwaysOpen) return true;
        return CrossesMidnight ? now >= Start || now < Stop : now >= Start && now < Stop;
    }

    /// <summary>Whether the window is open at <paramref name="now"/>, read on the wall clock of <paramref name="zone"/> (the portal's time zone).</summary>
    public bool IsOpen(DateTimeOffset now, TimeZoneInfo zone) => IsOpen(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime));

    /// <summary>
    /// When the window opens next, counted from <paramref name="now"/> (now itself when it is open), as an instant.
    /// The start is a wall-clock time in <paramref name="zone"/>: on the day clocks go forward a start inside the
    /// skipped hour opens when the clock reaches the first time after it (02:30 opens at 03:00 in Europe/Berlin);
    /// on the day they go back a start inside the repeated hour opens at its first occurrence, or at its second
    /// when the first is already past.
    /// </summary>
    public DateTimeOffset NextOpening(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (IsOpen(now, zone)) return now;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var day = 0; day <= 2; day++)
        {
            foreach (var opening in Instants(today.AddDays(day).ToDateTime(Start), zone))
            {
                if (opening > now) return opening;
            }
        }
        throw new InvalidOperationException($"The window {this} has no opening in the next two days in {zone.Id}.");
    }

    /// <summary>The instants at which <paramref name="zone"/>'s clock shows <paramref name="wallClock"/>, earliest first.</summary>
    private static IEnumerable<DateTimeOffset> Instants(DateTime wallClock, TimeZoneInfo zone)
    {
        if (zone.IsAmbiguousTime(wallClock))
        {
            return zone.GetAmbiguousTimeOffsets(wallClock).Select(o => new DateTimeOffset(wallClock, o)).OrderBy(t => t.UtcTicks);
        }
        // A skipped time: the window opens when the clock jumps past it, the first whole minute that exists.
        var t = wallClock;
        while (zone.IsInvalidTime(t)) t = t.AddMinutes(1);
        return [new DateTimeOffset(t, zone.GetUtcOffset(t))];
    }

    /// <summary>
    /// When a closed window opens, in words for people ("opens today at 22:00", "opens tomorrow at 08:00"), or
    /// null while it is open.
    /// </summary>
    public string? OpensText(DateTimeOffset now, TimeZoneInfo zone)
    {
        var next = NextOpening(now, zone);
        if (next == now) return null;
        var (localNow, localNext) = (TimeZoneInfo.ConvertTime(now, zone), TimeZoneInfo.ConvertTime(next, zone));
        var day = localNext.Date == localNow.Date ? "today" : "tomorrow";
        return $"opens {day} at {localNext:HH\\:mm}";
    }

    public override string ToString() => IsAlwaysOpen ? "any time" : $"{Start:HH\\:mm}–{Stop:HH\\:mm}";
}
