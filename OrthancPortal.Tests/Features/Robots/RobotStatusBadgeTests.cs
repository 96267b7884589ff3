using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Robots.Pages;
using OrthancPortal.Tests.Components;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class RobotStatusBadgeTests : PortalComponentTest
{
    // MudBlazor's services are only asynchronously disposable: xUnit calls this before Dispose, which then has nothing left to do.

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private IRenderedComponent<RobotStatusBadge> Render(DateTimeOffset now, RobotStatus status, ScheduleWindow window)
    {
        var clock = new FakeTimeProvider(now);
        clock.SetLocalTimeZone(Berlin);
        Services.AddSingleton<TimeProvider>(clock);
        return Render<RobotStatusBadge>(p => p.Add(b => b.Status, status).Add(b => b.Window, window));
    }

    [Fact]
    public void An_active_robot_outside_its_window_says_when_the_window_opens_in_local_time()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("en-GB");
        try
        {
            // 12:00 in Berlin (11:00 UTC in winter); the window is 22:00–06:00.
            var badge = Render(new DateTimeOffset(2027, 1, 10, 11, 0, 0, TimeSpan.Zero), RobotStatus.Active, new ScheduleWindow(new(22, 0), new(6, 0)));
            badge.Find("[data-test=robot-status]").TextContent.Trim().ShouldBe("Waiting: the window opens today at 22:00");
            badge.Find("[data-test=robot-status]").GetAttribute("data-status").ShouldBe("Active");
        }
        finally { CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void An_active_robot_inside_its_window_is_simply_active()
    {
        var badge = Render(new DateTimeOffset(2027, 1, 10, 23, 0, 0, TimeSpan.Zero), RobotStatus.Active, new ScheduleWindow(new(22, 0), new(6, 0)));
        badge.Find("[data-test=robot-status]").TextContent.Trim().ShouldBe("Active");
    }

    [Fact]
    public void A_robot_awaiting_approval_says_so()
    {
        var badge = Render(new DateTimeOffset(2027, 1, 10, 11, 0, 0, TimeSpan.Zero), RobotStatus.AwaitingApproval, ScheduleWindow.Always);
        badge.Find("[data-test=robot-status]").TextContent.Trim().ShouldBe("Waiting for approval");
    }
}
