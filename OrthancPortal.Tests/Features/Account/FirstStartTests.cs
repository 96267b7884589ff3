using System.Text;
using Microsoft.Playwright;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Account;

/// <summary>What a new user gets from one command: a managed Orthanc, a generated admin password, a forced change, a dashboard.</summary>
public sealed class FirstStartTests : IAsyncLifetime
{
    private readonly BrowserFixture browser = new();
    private PortalHost portal = default!;
    /// <summary>The managed Orthanc is Debian trixie's 1.12, from the tree.</summary>
    private static readonly System.Text.RegularExpressions.Regex PortalOrthancVersion = new(@"^1\.12\.\d+$");

    public async Task InitializeAsync()
    {
        portal = await PortalHost.StartManagedAsync();
        await browser.InitializeAsync();
    }

    [Fact]
    public async Task First_admin_must_change_password_then_sees_the_managed_Orthanc_which_recovers_after_a_kill()
    {
        var password = portal.InitialPasswords.Last.ShouldNotBeNull();
        var page = await browser.NewPageAsync(portal);
        await page.GotoAsync("/");
        await page.WaitForURLAsync(u => u.Contains("/account/login"));
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");

        await page.WaitForURLAsync(u => u.Contains("/account/change-password"));
        // Until the password is changed, every other page leads back here.
        await page.GotoAsync("/tasks");
        page.Url.ShouldContain("/account/change-password");
        await page.FillAsync("#current", password);
        await page.FillAsync("#next", "Brand-New-Pass-42");
        await page.FillAsync("#confirm", "Brand-New-Pass-42");
        await page.ClickAsync("button[type=submit]");
        // The change ends every session, this one too: sign in again with the new password.
        await page.WaitForURLAsync(u => u.Contains("/account/login"));
        await Assertions.Expect(page.Locator("[data-test=password-changed]")).ToBeVisibleAsync();
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "Brand-New-Pass-42");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/account/"));
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.Locator("[data-test=orthanc-version]")).ToHaveTextAsync(PortalOrthancVersion, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=count-studies]")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("[data-test=orthanc-aet]")).ToHaveTextAsync("ORTHANC");

        // Kill the managed Orthanc: the page says so, then recovers by itself when the portal has restarted it.
        var state = portal.GetRequiredService<ManagedOrthancState>();
        var pid = state.ProcessId.ShouldNotBeNull();
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        await Assertions.Expect(page.Locator("[data-test=orthanc-down]")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-test=orthanc-version]")).ToHaveTextAsync(PortalOrthancVersion, new() { Timeout = 40_000 });
        state.ProcessId.ShouldNotBe(pid);
        state.Restarts.ShouldBeGreaterThanOrEqualTo(1);
        page.Url.ShouldNotContain("/account/login");
    }

    [Fact]
    public async Task The_generated_password_is_random_shown_once_and_never_stored_or_logged()
    {
        var password = portal.InitialPasswords.Last.ShouldNotBeNull();
        password.Length.ShouldBeGreaterThanOrEqualTo(16);
        portal.InitialPasswords.Passwords.Count.ShouldBe(1);

        await portal.RestartAsync();
        portal.InitialPasswords.Passwords.Count.ShouldBe(1, "a second start must not make or print another password");

        var needle = Encoding.UTF8.GetBytes(password);
        foreach (var file in Directory.EnumerateFiles(portal.DataFolder, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".log")) continue;
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(file); } catch (IOException) { continue; }
            bytes.AsSpan().IndexOf(needle).ShouldBe(-1, $"the password is stored in plain text in {file}");
        }
        portal.Logs.Lines.ShouldNotContain(l => l.Contains(password));

        // Another portal gets another password.
        await using var other = await PortalHost.StartManagedAsync();
        other.InitialPasswords.Last.ShouldNotBe(password);
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        await portal.DisposeAsync();
    }
}
