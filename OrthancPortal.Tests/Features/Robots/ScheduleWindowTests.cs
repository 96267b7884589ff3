using Microsoft.Extensions.Time.Testing;
using OrthancPortal.Features.Robots;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class ScheduleWindowTests
{
    private static TimeOnly T(string hhmm) => TimeOnly.Parse(hhmm, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("08:00", "17:00", "07:59", false)]
    [InlineData("08:00", "17:00", "08:00", true)]
    [InlineData("08:00", "17:00", "12:30", true)]
    [InlineData("08:00", "17:00", "16:59", true)]
    [InlineData("08:00", "17:00", "17:00", false)]
    [InlineData("22:00", "06:00", "21:59", false)]
    [InlineData("22:00", "06:00", "22:00", true)]
    [InlineData("22:00", "06:00", "23:59", true)]
    [InlineData("22:00", "06:00", "00:00", true)]
    [InlineData("22:00", "06:00", "05:59", true)]
    [InlineData("22:00", "06:00", "06:00", false)]
    [InlineData("22:00", "06:00", "12:00", false)]
    [InlineData("00:00", "00:00", "13:37", true)]
    public void Is_open_inside_the_window_including_one_that_crosses_midnight(string start, string stop, string now, bool open)
        => new ScheduleWindow(T(start), T(stop)).IsOpen(T(now)).ShouldBe(open);

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2027, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void A_window_crossing_midnight_says_so_and_opens_next_at_its_start()
    {
        var window = new ScheduleWindow(T("22:00"), T("06:00"));
        window.CrossesMidnight.ShouldBeTrue();
        window.NextOpening(Utc(1, 21, 12), TimeZoneInfo.Utc).ShouldBe(Utc(1, 21, 22));
        window.NextOpening(Utc(1, 22, 3), TimeZoneInfo.Utc).ShouldBe(Utc(1, 22, 3), "already open after midnight");
        new ScheduleWindow(T("08:00"), T("17:00")).NextOpening(Utc(1, 21, 18), TimeZoneInfo.Utc).ShouldBe(Utc(1, 22, 8));
        ScheduleWindow.Always.IsAlwaysOpen.ShouldBeTrue();
    }

    [Fact]
    public void A_closed_window_says_when_it_opens_in_words_with_the_time()
    {
        var night = new ScheduleWindow(T("22:00"), T("06:00"));
        night.OpensText(Utc(11, 21, 12), Berlin).ShouldBe("opens today at 22:00", "12:00 UTC is 13:00 in Berlin");
        night.OpensText(Utc(11, 21, 22), Berlin).ShouldBeNull();
        new ScheduleWindow(T("08:00"), T("17:00")).OpensText(Utc(11, 21, 18), Berlin).ShouldBe("opens tomorrow at 08:00");
        RobotService.Describe(RobotStatus.Active, night, Utc(11, 21, 12), Berlin).ShouldBe("waiting for its window, which opens today at 22:00");
        RobotService.Describe(RobotStatus.Active, ScheduleWindow.Always, Utc(11, 21, 12), Berlin).ShouldBe("active");
    }

    // Europe/Berlin in 2027: clocks go forward on 28 March (02:00 CET -> 03:00 CEST) and back on 31 October
    // (03:00 CEST -> 02:00 CET). 06:00 local is 05:00 UTC in winter and 04:00 UTC in summer.
    [Theory]
    [InlineData(3, 27, 0, "06:00", 3, 27, 5, 0)]   // the day before: still CET
    [InlineData(3, 27, 23, "06:00", 3, 28, 4, 0)]  // across the change: 06:00 CEST
    [InlineData(3, 27, 23, "02:30", 3, 28, 1, 0)]  // 02:30 does not exist that night: opens when the clock jumps to 03:00
    [InlineData(10, 30, 23, "06:00", 10, 31, 5, 0)] // across the change back: 06:00 CET
    [InlineData(10, 30, 23, "02:30", 10, 31, 0, 30)] // 02:30 happens twice: the first time (CEST)
    public void Opens_at_the_right_local_time_across_daylight_saving_changes(int month, int day, int hour, string start, int openMonth, int openDay, int openHour, int openMinute)
    {
        var clock = new FakeTimeProvider(Utc(month, day, hour));
        clock.SetLocalTimeZone(Berlin);
        var window = new ScheduleWindow(T(start), T("23:00"));

        var opening = window.NextOpening(clock.GetUtcNow(), clock.LocalTimeZone);

        opening.ShouldBe(Utc(openMonth, openDay, openHour, openMinute));
        window.IsOpen(opening.AddMinutes(-1), clock.LocalTimeZone).ShouldBeFalse("a minute before it opens");
        clock.SetUtcNow(opening);
        window.IsOpen(clock.GetUtcNow(), clock.LocalTimeZone).ShouldBeTrue("the runner's check at that instant");
        TimeOnly.FromDateTime(clock.GetLocalNow().DateTime).ShouldBeGreaterThanOrEqualTo(T(start));
    }

    [Fact]
    public void A_start_in_the_repeated_hour_opens_the_second_time_when_the_first_is_past()
    {
        // 02:00-02:30 was open 00:00-00:30 UTC (CEST); at 00:45 UTC the clock shows 02:45 CEST, and at 01:00 UTC it shows 02:00 CET again.
        var window = new ScheduleWindow(T("02:00"), T("02:30"));
        window.NextOpening(Utc(10, 31, 0, 45), Berlin).ShouldBe(Utc(10, 31, 1));
    }
}
