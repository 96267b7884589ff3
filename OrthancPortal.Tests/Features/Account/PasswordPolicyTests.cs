using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Account;
using OrthancPortal.Tests.Features.Admin;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

public sealed class PasswordPolicyTests(HardeningFixture fixture) : IClassFixture<HardeningFixture>
{
    [Theory]
    [InlineData("Password12", "Passwords must be at least 12 characters.")]
    [InlineData("My-PIALUND-Pass-99", "The password must not contain the user name.")]
    [InlineData("pialund-2026-Winter", "The password must not contain the user name.")]
    public async Task The_change_password_page_refuses_a_weak_password_with_a_clear_message(string next, string message)
    {
        var user = $"pialund{Guid.NewGuid():N}"[..10];
        await fixture.Direct.CreateUserAsync(user, PortalFixture.Password, Roles.Viewer);
        using var client = await fixture.Direct.SignInAsync(user, PortalFixture.Password);
        var response = await ChangeAsync(client, next.Replace("PIALUND", user.ToUpperInvariant()).Replace("pialund", user));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        html.ShouldContain("data-test=\"password-error\"");
        html.ShouldContain(message);
    }

    [Fact]
    public async Task A_long_password_without_the_user_name_is_accepted()
    {
        await fixture.Direct.CreateUserAsync("pia-ok", PortalFixture.Password, Roles.Viewer);
        using var client = await fixture.Direct.SignInAsync("pia-ok", PortalFixture.Password);
        (await ChangeAsync(client, "Correct-Horse-Battery-9")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await fixture.Direct.SignInAsync("pia-ok", "Correct-Horse-Battery-9")).Dispose();
    }

    [Fact]
    public async Task The_same_policy_holds_for_accounts_made_by_code_and_generated_passwords_always_pass_it()
    {
        using var scope = fixture.Direct.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var weak = await users.CreateAsync(new PortalUser { UserName = "pia-weak", CreatedAt = DateTime.UtcNow }, "Password12");
        weak.Errors.Select(e => e.Description).ShouldContain("Passwords must be at least 12 characters.");
        var named = await users.CreateAsync(new PortalUser { UserName = "pia-named", CreatedAt = DateTime.UtcNow }, "xx-PIA-NAMED-long-1");
        named.Errors.Select(e => e.Code).ShouldBe([UserNamePasswordValidator.Code]);

        // The admin page's one-time passwords: never containing the name, and as long as the policy asks.
        for (var i = 0; i < 200; i++) PasswordGenerator.Generate("a2b", 12).ShouldNotContain("a2b", Case.Insensitive);
        PasswordGenerator.Generate("someone", 32).Length.ShouldBe(32);
        var created = await scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateUserAsync("pia-new", null, [Roles.Viewer]);
        created.Succeeded.ShouldBeTrue(created.Error);
    }

    private static async Task<HttpResponseMessage> ChangeAsync(HttpClient client, string next)
    {
        var form = await client.GetStringAsync("account/change-password");
        return await client.PostAsync("account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = PortalHost.AntiforgeryToken(form),
            ["Input.Current"] = PortalFixture.Password,
            ["Input.Next"] = next,
            ["Input.Confirm"] = next,
        }));
    }
}
