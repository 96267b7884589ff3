using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Orthanc.Pages;

namespace OrthancPortal.Tests.Components.Live;

/// <summary>The dashboard's held-deliveries line: for admins only, only when something is held, counted live.</summary>
public sealed class HeldChangesNoticeTests : DatabaseComponentTest
{
    private readonly BunitAuthorizationContext auth;

    public HeldChangesNoticeTests()
    {
        Services.AddScoped<ActorContext>();
        Services.AddSingleton<AuditWriter>();
        Services.AddScoped<AuditLog>();
        Services.AddScoped<HeldChangesService>();
        auth = AddAuthorization();
        auth.SetAuthorized("admin");
    }

    private static HeldChange Held(long seq) => new()
    {
        Subscriber = "gdt", Seq = seq, ChangeType = "StableStudy", ResourceType = "Study", ResourceId = $"study-{seq}",
        ChangeDate = "20261202T040000", Attempts = 5, LastError = "refused", HeldAt = DateTime.UtcNow,
    };

    private IRenderedComponent<HeldChangesNotice> RenderAs(params string[] policies)
    {
        auth.SetPolicies(policies);
        RenderAsLiveCircuit();
        return Render<HeldChangesNotice>();
    }

    [Fact]
    public void An_admin_reads_how_many_deliveries_are_held_and_where_to_retry_them()
    {
        Database.Add(Held(1), Held(2));
        var notice = RenderAs(Permissions.Admin);
        var alert = notice.Find("[data-test=held-count]");
        alert.TextContent.ShouldContain("2 automatic deliveries are held after repeated failures.");
        alert.QuerySelector("a")!.GetAttribute("href").ShouldBe("admin/held-changes");
    }

    [Fact]
    public void One_held_delivery_is_said_in_the_singular()
    {
        Database.Add(Held(1));
        RenderAs(Permissions.Admin).Find("[data-test=held-count]").TextContent.ShouldContain("1 automatic delivery is held after repeated failures.");
    }

    [Fact]
    public void Nothing_is_shown_while_nothing_is_held()
        => RenderAs(Permissions.Admin).FindAll("[data-test=held-count]").ShouldBeEmpty();

    [Fact]
    public void A_user_who_is_not_an_admin_never_sees_it()
    {
        Database.Add(Held(1));
        RenderAs(Permissions.ViewContent).FindAll("[data-test=held-count]").ShouldBeEmpty();
    }

    [Fact]
    public void A_delivery_held_while_the_dashboard_is_open_appears_without_a_reload()
    {
        var notice = RenderAs(Permissions.Admin);
        notice.FindAll("[data-test=held-count]").ShouldBeEmpty();

        Database.Add(Held(7));
        Notifier.Publish(new HeldChangesChanged(1));

        notice.WaitForAssertion(() => notice.Find("[data-test=held-count]").TextContent.ShouldContain("1 automatic delivery is held"), Patience);
    }
}
