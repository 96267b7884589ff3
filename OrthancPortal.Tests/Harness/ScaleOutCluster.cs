using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// What several portals share, as in production: one external Orthanc started on its own (no portal manages it), one
/// PostgreSQL database, one data folder (spools, exports) and one AIS folder. Portals join it as processes of their own
/// (<see cref="StartProcessAsync"/>, killable) or in this test process (<see cref="StartHostAsync"/>, to look inside).
/// Short lease, heartbeat and take-over times make a dead process's work move within seconds.
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string Admin = "scaleadmin";
    public const string Password = PortalFixture.Password;

    private readonly List<IAsyncDisposable> portals = [];

    public OrthancProcess Orthanc { get; }
    public PostgresDatabase Database { get; }
    public string Root { get; }
    public string DataFolder => Path.Combine(Root, "data");
    public string AisFolder => Path.Combine(Root, "ais");
    public string ExportFolder => Path.Combine(Root, "exported");

    private ScaleOutCluster(OrthancProcess orthanc, PostgresDatabase database, string root)
    {
        Orthanc = orthanc;
        Database = database;
        Root = root;
        foreach (var folder in new[] { DataFolder, AisFolder, ExportFolder }) Directory.CreateDirectory(folder);
    }

    public static async Task<ScaleOutCluster> StartAsync(string aet)
    {
        var orthanc = await OrthancProcess.StartAsync(aet);
        try
        {
            return new ScaleOutCluster(orthanc, await PostgresDatabase.CreateAsync("scaleout"), TestEnvironment.NewTempFolder("scaleout"));
        }
        catch
        {
            await orthanc.DisposeAsync();
            throw;
        }
    }

    /// <summary>The configuration every portal of the cluster gets (the same for each, as the README asks).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Portal:DataFolder"] = DataFolder,
        ["Portal:Database"] = nameof(PortalDatabase.Postgres),
        ["Portal:ConnectionString"] = Database.ConnectionString,
        ["Orthanc:Mode"] = "External",
        ["Orthanc:ExternalUrl"] = Orthanc.Url.ToString(),
        ["Orthanc:ExternalUsername"] = OrthancProcess.Username,
        ["Orthanc:ExternalPassword"] = OrthancProcess.Password,
        ["Orthanc:DicomAet"] = Orthanc.Aet,
        ["Orthanc:DicomPort"] = Orthanc.DicomPort.ToString(),
        ["ChangeFeed:PollSeconds"] = "0.3",
        ["ChangeFeed:LeaseSeconds"] = "5",
        ["Cluster:HeartbeatSeconds"] = "1",
        ["Cluster:NodeTimeoutSeconds"] = "5",
        ["Cluster:TakeOverSeconds"] = "1",
        ["Robots:TickSeconds"] = "0.5",
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
    };

    /// <summary>A portal as a process of its own (stopped with the cluster).</summary>
    public async Task<PortalProcess> StartProcessAsync()
    {
        var portal = new PortalProcess(DataFolder, environment: Settings());
        portals.Add(portal);
        await portal.StartAsync(TimeSpan.FromSeconds(120));
        return portal;
    }

    /// <summary>A portal in this test process on the cluster's database and data folder (stopped with the cluster).</summary>
    public async Task<PortalHost> StartHostAsync()
    {
        // PortalHost's own engine choice stays SQLite so it makes no database of its own; the settings put it on the cluster's.
        var host = await PortalHost.StartExternalAsync(Orthanc, extra: Settings(), database: PortalDatabase.Sqlite);
        portals.Add(host);
        return host;
    }

    /// <summary>
    /// Prepares the empty database as an admin would before the portals go live: a portal in this process migrates it,
    /// creates the admin account, runs <paramref name="seed"/> (settings, destinations) and stops cleanly.
    /// </summary>
    public async Task SeedAsync(Func<PortalHost, Task>? seed = null)
    {
        await using var host = await PortalHost.StartExternalAsync(Orthanc, extra: Settings(), database: PortalDatabase.Sqlite);
        await host.CreateUserAsync(Admin, Password, Roles.Admin);
        if (seed is not null) await seed(host);
    }

    public PortalDbContext OpenDatabase()
        => new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(Database.ConnectionString + ";Pooling=false").Options);

    public async Task<Lease?> LeaseAsync(string name)
    {
        await using var db = OpenDatabase();
        return await db.Set<Lease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == name);
    }

    /// <summary>The node id of a portal process: its holder strings contain <c>:pid:</c>.</summary>
    public static bool IsProcess(string? holder, PortalProcess portal) => holder?.Contains($":{portal.ProcessId}:", StringComparison.Ordinal) == true;

    public async ValueTask DisposeAsync()
    {
        foreach (var portal in Enumerable.Reverse(portals))
        {
            try { await portal.DisposeAsync(); } catch (Exception ex) { Console.Error.WriteLine($"[scaleout] stopping a portal: {ex.Message}"); }
        }
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Database.DisposeAsync();
        await Orthanc.DisposeAsync();
        TestEnvironment.DeleteQuietly(Root);
    }
}
