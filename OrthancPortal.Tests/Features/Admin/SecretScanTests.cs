using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

public sealed class SecretScanTests
{
    private static readonly Regex PrivateKey = new(@"-----BEGIN (RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----");
    // A password-like key assigned a quoted literal of 8+ characters (variables and {placeholders} do not match).
    private static readonly Regex PasswordAssignment = new(@"(?i)\b(password|passwd|pwd|secret|apikey|api_key)\b[""']?\s*[:=]\s*[""']([^""'\s{}$<>]{8,})[""']");

    /// <summary>Throwaway credentials of the loopback test servers and test accounts; known and allowed. Anything else fails.</summary>
    private static readonly string[] AllowedLiterals = ["test-password", "Test-Password-1", "Long-Test-Password-1", "Local-Password-9", "Short-Pass-12", "not-the-password", "wrong-password", "dav-Secret-1", "Load-Test-Secret-1"];

    [Fact]
    public async Task The_repository_holds_no_private_key_or_password_literal()
    {
        var (_, list) = await TestEnvironment.RunAsync("git", ["ls-files", "-z"], workingDirectory: TestEnvironment.RepositoryRoot);
        var findings = new List<string>();
        foreach (var file in list.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(TestEnvironment.RepositoryRoot, file);
            if (!File.Exists(path) || new FileInfo(path).Length > 2_000_000 || file.StartsWith("OrthancPortal/wwwroot/lib/")) continue;
            var text = await File.ReadAllTextAsync(path);
            if (PrivateKey.IsMatch(text)) findings.Add($"{file}: private key");
            foreach (Match m in PasswordAssignment.Matches(text))
            {
                if (!AllowedLiterals.Contains(m.Groups[2].Value)) findings.Add($"{file}: {m.Value}");
            }
        }
        findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task Generated_passwords_never_reach_the_log()
    {
        await using var portal = await PortalHost.StartManagedAsync();
        await TestEnvironment.WaitUntilAsync(() => Task.FromResult(portal.GetRequiredService<ManagedOrthancState>().Endpoint is not null),
            TimeSpan.FromSeconds(60), "the managed Orthanc to start");
        var adminPassword = portal.InitialPasswords.Last.ShouldNotBeNull();
        var orthancPassword = portal.GetRequiredService<ManagedOrthancState>().Endpoint!.Password!;

        // Use the portal a little so more is logged: a failed and a good sign-in, then a restart of Orthanc.
        await Should.ThrowAsync<InvalidOperationException>(() => portal.SignInAsync("admin", adminPassword + "x"));
        (await portal.SignInAsync("admin", adminPassword)).Dispose();

        var log = string.Join("\n", portal.Logs.Lines);
        log.ShouldNotBeEmpty();
        log.ShouldNotContain(adminPassword);
        log.ShouldNotContain(orthancPassword);
        var config = await File.ReadAllTextAsync(portal.GetRequiredService<ManagedOrthancService>().ConfigPath);
        config.ShouldContain(orthancPassword, customMessage: "the scan looks for the password Orthanc really uses");
    }
}
