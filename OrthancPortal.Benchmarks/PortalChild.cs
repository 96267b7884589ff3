using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// The portal alone in its own process, so the benchmark can read its memory from /proc without counting the
/// load generator. Creates the benchmark user, prints READY, and runs until its standard input closes.
/// </summary>
public static class PortalChild
{
    public const string User = "bench";
    public const string Password = "Load-Test-Secret-1";

    public static async Task RunAsync(string orthancUrl, int port, string dataFolder)
    {
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}", $"--Portal:DataFolder={dataFolder}", "--Orthanc:Mode=External",
            $"--Orthanc:ExternalUrl={orthancUrl}", $"--Orthanc:ExternalUsername={OrthancProcess.Username}", $"--Orthanc:ExternalPassword={OrthancProcess.Password}",
            "--Logging:LogLevel:Default=Warning",
        ];
        var app = PortalApp.Build(args, webRoot: TestEnvironment.WebRoot);
        await app.StartAsync();
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = User, CreatedAt = DateTime.UtcNow };
            var created = await users.CreateAsync(user, Password);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, Roles.Admin);
        }
        Console.WriteLine("READY");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }
}
