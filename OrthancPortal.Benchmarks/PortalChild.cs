using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// The portal alone in its own process, so the benchmark can read its memory from /proc without counting the
/// load generator. Creates the benchmark user, prints READY, and runs until its standard input closes. A line
/// <c>gc</c> on its standard input answers one line with the runtime's own view of its memory (<see cref="RuntimeView"/>),
/// which /proc cannot give from outside.
/// </summary>
public static class PortalChild
{
    public const string User = "bench";
    public const string Password = "Load-Test-Secret-1";
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(string orthancUrl, int port, string dataFolder)
    {
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}", $"--Portal:DataFolder={dataFolder}", "--Orthanc:Mode=External",
            $"--Orthanc:ExternalUrl={orthancUrl}", $"--Orthanc:ExternalUsername={OrthancProcess.Username}", $"--Orthanc:ExternalPassword={OrthancProcess.Password}",
            "--Logging:LogLevel:Default=Warning",
            // The idle trimmer as in production, only sooner, so the benchmark need not wait a minute at each reading.
            $"--Footprint:IdleAfter={IdleAfter}",
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
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "gc") Console.WriteLine(RuntimeView());
        }
        await app.StopAsync();
    }

    /// <summary>The GC heap (size after the last collection, committed), the JIT's work and the threads, in one line.</summary>
    public static string RuntimeView()
    {
        var gc = GC.GetGCMemoryInfo();
        return $"GC heap {gc.HeapSizeBytes / 1048576.0:N1} MB (committed {gc.TotalCommittedBytes / 1048576.0:N1} MB, fragmented {gc.FragmentedBytes / 1048576.0:N1} MB, " +
            $"collections gen0 {GC.CollectionCount(0)}, gen2 {GC.CollectionCount(2)}); " +
            $"JIT: {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods, {System.Runtime.JitInfo.GetCompiledILBytes() / 1048576.0:N1} MB IL; " +
            $"{AppDomain.CurrentDomain.GetAssemblies().Length} assemblies loaded; {System.Diagnostics.Process.GetCurrentProcess().Threads.Count} threads";
    }
}
