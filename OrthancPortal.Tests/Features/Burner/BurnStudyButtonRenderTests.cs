using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Burner.Pages;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>"Burn this study" is a component other pages place; it must appear only for users with the Burner permission.</summary>
public sealed class BurnStudyButtonRenderTests : OrthancPortal.Tests.Components.PortalComponentTest
{
    private IRenderedComponent<BurnStudyButton> RenderFor(params string[] policies)
    {
        Services.AddScoped<ActorContext>();
        var auth = AddAuthorization();
        auth.SetAuthorized("u");
        auth.SetPolicies(policies);
        return Render<BurnStudyButton>(p => p.Add(b => b.StudyId, "0123abcd-0123abcd-0123abcd-0123abcd-0123abcd"));
    }

    [Fact]
    public void Shows_for_a_user_with_the_burner_permission()
        => RenderFor(Permissions.ViewContent, Permissions.Burner).Find("[data-test=burn-study]").TextContent.ShouldContain("Burn this study");

    [Fact]
    public void Is_absent_for_a_user_without_it()
        => RenderFor(Permissions.ViewContent).FindAll("[data-test=burn-study]").ShouldBeEmpty();
}
