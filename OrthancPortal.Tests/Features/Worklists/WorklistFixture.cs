using OrthancPortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Worklists;

/// <summary>The portal on the test Orthanc, writing .wl files into that Orthanc's worklist folder, with one API key.</summary>
public class WorklistFixture : PortalFixture
{
    /// <summary>The AET findscu calls with: Orthanc answers C-FIND only from modalities it knows.</summary>
    public const string ModalityAet = "WLMODALITY";

    public string ApiKey { get; private set; } = "";

    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Worklists:Folder"] = Local.WorklistFolder,
        // GDT writes nothing until an AIS folder is set; a relative one is taken under the data folder.
        ["Gdt:Folder"] = "gdt",
        // Cleanup is called by the tests themselves.
        ["Worklists:CleanupIntervalSeconds"] = "",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ApiKey = await CreateApiKeyAsync("test AIS");
        await Local.AddModalityAsync("wlmodality", ModalityAet, TestEnvironment.FreePort());
    }

    public async Task<string> CreateApiKeyAsync(string client)
    {
        using var scope = Portal.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<WorklistApiKeyService>().CreateAsync(client, Actor.System)).Key;
    }

    public string GdtFolder => Path.Combine(Portal.DataFolder, "gdt");

    public string[] WorklistFiles() => Directory.GetFiles(Local.WorklistFolder, "*.wl");

    public string[] GdtFiles() => Directory.Exists(GdtFolder) ? Directory.GetFiles(GdtFolder, "*.gdt") : [];

    public async Task<T> WithServiceAsync<T>(Func<WorklistService, Task<T>> action)
    {
        using var scope = Portal.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<WorklistService>());
    }
}

public sealed class BrowserWorklistFixture : WorklistFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The worklist fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresWorklistFixture : WorklistFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}
