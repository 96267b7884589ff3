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

    /// <summary>When the window opens next, counted from <paramref name="now"/> (now itself when it is open).</summary>
    public DateTime NextOpening(DateTime now)
    {
        if (IsOpen(TimeOnly.FromDateTime(now))) return now;
        var today = now.Date + Start.ToTimeSpan();
        return today > now ? today : today.AddDays(1);
    }

    /// <summary>
    /// When a closed window opens, in words for people ("opens today at 22:00", "opens tomorrow at 08:00"), or
    /// null while it is open.
    /// </summary>
    public string? OpensText(DateTime now)
    {
        var next = NextOpening(now);
        if (next == now) return null;
        var day = next.Date == now.Date ? "today" : "tomorrow";
        return $"opens {day} at {next:HH\\:mm}";
    }

    public override string ToString() => IsAlwaysOpen ? "any time" : $"{Start:HH\\:mm}–{Stop:HH\\:mm}";
}
