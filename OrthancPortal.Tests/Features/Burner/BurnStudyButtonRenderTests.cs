using System.Security.Claims;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrthancPortal.Components.Ui;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Burner.Pages;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>"Burn this study" is a component other pages place; it must appear only for users with the Burner permission.</summary>
public sealed class BurnStudyButtonRenderTests
{
    private sealed class FixedAuthState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private static async Task<string> RenderForAsync(params string[] permissions)
    {
        var identity = new ClaimsIdentity(permissions.Select(p => new Claim(Permissions.ClaimType, p)).Append(new Claim(ClaimTypes.Name, "u")), "test");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthorizationCore(o => o.AddPolicy(Permissions.Burner, p => p.RequireClaim(Permissions.ClaimType, Permissions.Burner)));
        services.AddSingleton<AuthenticationStateProvider>(new FixedAuthState(new ClaimsPrincipal(identity)));
        services.AddSingleton<ToastService>();
        services.AddScoped<ActorContext>();
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        RenderFragment button = b =>
        {
            b.OpenComponent<BurnStudyButton>(0);
            b.AddComponentParameter(1, nameof(BurnStudyButton.StudyId), "0123abcd-0123abcd-0123abcd-0123abcd-0123abcd");
            b.CloseComponent();
        };
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<CascadingAuthenticationState>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(CascadingAuthenticationState.ChildContent)] = button,
            }))).ToHtmlString());
    }

    [Fact]
    public async Task Shows_for_a_user_with_the_burner_permission()
    {
        var doc = new HtmlParser().ParseDocument(await RenderForAsync(Permissions.ViewContent, Permissions.Burner));
        doc.QuerySelector("[data-test=burn-study]").ShouldNotBeNull().TextContent.ShouldContain("Burn this study");
    }

    [Fact]
    public async Task Is_absent_for_a_user_without_it()
    {
        var doc = new HtmlParser().ParseDocument(await RenderForAsync(Permissions.ViewContent));
        doc.QuerySelector("[data-test=burn-study]").ShouldBeNull();
    }
}
