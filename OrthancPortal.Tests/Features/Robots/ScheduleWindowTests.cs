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

    [Fact]
    public void A_window_crossing_midnight_says_so_and_opens_next_at_its_start()
    {
        var window = new ScheduleWindow(T("22:00"), T("06:00"));
        window.CrossesMidnight.ShouldBeTrue();
        window.NextOpening(new DateTime(2026, 11, 21, 12, 0, 0)).ShouldBe(new DateTime(2026, 11, 21, 22, 0, 0));
        window.NextOpening(new DateTime(2026, 11, 22, 3, 0, 0)).ShouldBe(new DateTime(2026, 11, 22, 3, 0, 0), "already open after midnight");
        new ScheduleWindow(T("08:00"), T("17:00")).NextOpening(new DateTime(2026, 11, 21, 18, 0, 0)).ShouldBe(new DateTime(2026, 11, 22, 8, 0, 0));
        ScheduleWindow.Always.IsAlwaysOpen.ShouldBeTrue();
    }

    [Fact]
    public void A_closed_window_says_when_it_opens_in_words_with_the_time()
    {
        var night = new ScheduleWindow(T("22:00"), T("06:00"));
        night.OpensText(new DateTime(2026, 11, 21, 12, 0, 0)).ShouldBe("opens today at 22:00");
        night.OpensText(new DateTime(2026, 11, 21, 23, 0, 0)).ShouldBeNull();
        new ScheduleWindow(T("08:00"), T("17:00")).OpensText(new DateTime(2026, 11, 21, 18, 0, 0)).ShouldBe("opens tomorrow at 08:00");
        RobotService.Describe(RobotStatus.Active, night, new DateTime(2026, 11, 21, 12, 0, 0)).ShouldBe("waiting for its window, which opens today at 22:00");
        RobotService.Describe(RobotStatus.Active, ScheduleWindow.Always, new DateTime(2026, 11, 21, 12, 0, 0)).ShouldBe("active");
    }
}
