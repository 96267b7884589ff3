using Bunit;
using Microsoft.AspNetCore.Components;
using OrthancPortal.Features.Settings.Pages;
using OrthancPortal.Tests.Components;

namespace OrthancPortal.Tests.Features.Settings;

/// <summary>A stored secret is edited without ever being sent to the browser.</summary>
public sealed class SecretFieldTests : PortalComponentTest
{
    [Fact]
    public void The_stored_value_is_never_rendered_and_the_field_says_one_is_stored()
    {
        var cut = Render<SecretField>(p => p.Add(c => c.Value, "s3cret-Stored-Value").Add(c => c.InputId, "pw"));
        cut.Markup.ShouldNotContain("s3cret-Stored-Value");
        var input = cut.Find("input#pw");
        input.GetAttribute("type").ShouldBe("password");
        input.GetAttribute("placeholder").ShouldBe("stored (type to replace)");
        (input.GetAttribute("value") ?? "").ShouldBeEmpty();
    }

    [Fact]
    public void Typing_replaces_the_value_and_leaving_it_empty_keeps_the_stored_one()
    {
        var changes = new List<string?>();
        var cut = Render<SecretField>(p => p
            .Add(c => c.Value, "old")
            .Add(c => c.InputId, "pw")
            .Add(c => c.ValueChanged, EventCallback.Factory.Create<string?>(this, v => changes.Add(v))));
        cut.Find("input#pw").Change("");
        changes.ShouldBeEmpty("an untouched or emptied field keeps the stored secret");
        cut.Find("input#pw").Change("new-secret");
        changes.ShouldBe(["new-secret"]);
    }
}
