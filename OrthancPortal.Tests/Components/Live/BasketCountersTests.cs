using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Baskets;
using OrthancPortal.Features.Baskets.Pages;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Components.Live;

/// <summary>The top bar's basket counters: one per basket the user may fill, each with its count, following only this
/// user's BasketChanged pushes.</summary>
public sealed class BasketCountersTests : DatabaseComponentTest
{
    public BasketCountersTests()
    {
        // Counting reads only the database; the client is there because the service also adds and lists from Orthanc.
        Services.AddSingleton(_ => new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") });
        Services.AddSingleton(sp => new OrthancClient(sp.GetRequiredService<HttpClient>()));
        Services.AddSingleton<BasketService>();
    }

    private static BasketItem Item(string user, BasketKind kind, string id)
        => new() { UserId = user, Kind = kind, Level = ResourceLevel.Study, OrthancId = id, Label = id, AddedAt = DateTime.UtcNow };

    private IRenderedComponent<BasketCounters> RenderFor(string userId, params string[] permissions)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, userId), .. permissions.Select(p => new Claim(Permissions.ClaimType, p))]);
        RenderAsLiveCircuit();
        return Render<BasketCounters>();
    }

    private static string Count(IRenderedComponent<BasketCounters> counters, string kind)
        => counters.Find($"[data-test=basket-count-{kind}] .mud-badge").TextContent.Trim();

    [Fact]
    public void Each_basket_the_user_may_fill_shows_its_own_count_and_links_to_the_basket()
    {
        Database.Add(Item("u1", BasketKind.Delete, "a"), Item("u1", BasketKind.Delete, "b"), Item("u1", BasketKind.Export, "c"), Item("u2", BasketKind.Delete, "d"));
        var counters = RenderFor("u1", Permissions.Delete, Permissions.ExportRemote);

        Count(counters, "delete").ShouldBe("2");
        Count(counters, "export").ShouldBe("1");
        counters.FindAll("[data-test=basket-count-anonymize]").ShouldBeEmpty();
        counters.Find("[data-test=basket-count-delete] a").GetAttribute("href").ShouldBe("baskets/delete");
        counters.Find("[data-test=basket-count-delete] a").GetAttribute("aria-label").ShouldBe("Delete basket: 2");
    }

    [Fact]
    public void A_user_without_basket_permissions_sees_no_counter()
        => RenderFor("u1", Permissions.ViewContent).FindAll("[data-test^=basket-count-]").ShouldBeEmpty();

    [Fact]
    public void Only_this_users_basket_changes_count_again()
    {
        var counters = RenderFor("u1", Permissions.Anonymize);
        Count(counters, "anonymize").ShouldBe("0");

        // Filled without a push for u1: another user's push does not make the counter read again.
        Database.Add(Item("u1", BasketKind.Anonymize, "a"));
        Notifier.Publish(new BasketChanged("u2", BasketKind.Anonymize));
        Count(counters, "anonymize").ShouldBe("0");

        Notifier.Publish(new BasketChanged("u1", BasketKind.Anonymize));
        counters.WaitForAssertion(() => Count(counters, "anonymize").ShouldBe("1"), Patience);
    }
}
