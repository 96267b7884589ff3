using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>
/// The static sign-in and password pages without Bootstrap: its files are blocked, so what is checked here is what
/// users see once it is removed from the portal.
/// </summary>
public sealed class AccountPagesBrowserTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task The_sign_in_page_names_a_missing_field_at_the_field_and_a_wrong_password_in_a_sentence()
    {
        foreach (var viewport in new[] { Viewports.Desktop, Viewports.Narrow })
        {
            var page = await fixture.Browser.NewPageAsync(fixture.Portal, viewport: viewport);
            await page.GotoAsync("account/login");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
            await PageChecks.AssertPageAsync(page, "login");

            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("#username-error")).ToHaveTextAsync("Enter your user name.");
            await Assertions.Expect(page.Locator("#password-error")).ToHaveTextAsync("Enter your password.");
            await Assertions.Expect(page.Locator("#username")).ToHaveAttributeAsync("aria-invalid", "true");
            await PageChecks.AssertPageAsync(page, "login-missing");
        }

        var wrong = await fixture.Browser.NewPageAsync(fixture.Portal);
        await wrong.GotoAsync("account/login");
        await wrong.FillAsync("#username", PortalFixture.AdminUser);
        await wrong.FillAsync("#password", "not-the-password");
        await wrong.ClickAsync("button[type=submit]");
        await Assertions.Expect(wrong.Locator("[data-test=login-error]")).ToHaveTextAsync("Wrong user name or password.");
        await Assertions.Expect(wrong.Locator("#username")).ToHaveValueAsync(PortalFixture.AdminUser);
    }

    [Fact]
    public async Task The_sign_in_page_reads_German_and_the_language_buttons_switch_it()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Portal, locale: "de-DE", viewport: Viewports.Narrow);
        await page.GotoAsync("account/login");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Anmelden");
        await Assertions.Expect(page.Locator("label[for=remember]")).ToHaveTextAsync("Angemeldet bleiben");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#username-error")).ToHaveTextAsync("Geben Sie Ihren Benutzernamen ein.");
        await PageChecks.AssertPageAsync(page, "login-de");

        await page.ClickAsync("[data-test=language-en]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
    }

    [Fact]
    public async Task The_password_page_states_the_rules_and_says_at_the_field_when_the_two_passwords_differ()
    {
        foreach (var (locale, viewport, name) in new[] { ("en-GB", Viewports.Desktop, "change-password"), ("en-GB", Viewports.Narrow, "change-password"), ("de-DE", Viewports.Narrow, "change-password-de") })
        {
            var page = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, locale, viewport);
            await page.GotoAsync("account/change-password");
            await Assertions.Expect(page.Locator("#next-rules")).ToContainTextAsync(locale == "de-DE" ? "mindestens" : "at least");
            await page.FillAsync("#current", PortalFixture.Password);
            await page.FillAsync("#next", "Another-Pass-123");
            await page.FillAsync("#confirm", "Another-Pass-124");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("#confirm-error")).ToHaveTextAsync(locale == "de-DE" ? "Die beiden neuen Passwörter stimmen nicht überein." : "The two new passwords differ.");
            await PageChecks.AssertPageAsync(page, name);
        }

        // A wrong current password is a sentence in the user's language, not Identity's English.
        var german = await fixture.Browser.SignedInPageAsync(fixture.Portal, PortalFixture.StandardUser, PortalFixture.Password, "de-DE");
        await german.GotoAsync("account/change-password");
        await german.FillAsync("#current", "not-the-password");
        await german.FillAsync("#next", "Another-Pass-123");
        await german.FillAsync("#confirm", "Another-Pass-123");
        await german.ClickAsync("button[type=submit]");
        await Assertions.Expect(german.Locator("[data-test=password-error]")).ToHaveTextAsync("Das aktuelle Passwort ist falsch.");
    }
}
