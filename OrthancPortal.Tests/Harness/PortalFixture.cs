using OrthancPortal.Infrastructure;
using OrthancPortal.Features.Access;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// Two real Orthancs, each knowing the other as a DICOM modality: <see cref="Local"/> (the portal's) and
/// <see cref="Remote"/> (a "remote PACS" for query/retrieve and sending).
/// </summary>
public sealed class OrthancPair : IAsyncDisposable
{
    public const string LocalAet = "PORTALPACS";
    public const string RemoteAet = "REMOTEPACS";
    /// <summary>The names under which each Orthanc knows the other.</summary>
    public const string RemoteModalityName = "remote";
    public const string LocalModalityName = "portal";

    public required OrthancProcess Local { get; init; }
    public required OrthancProcess Remote { get; init; }

    /// <param name="local">The portal's Orthanc: its own 1.12 by default, or the system's 1.10.1 to test an older external Orthanc.</param>
    /// <param name="configureLocal">Changes to the local Orthanc's configuration (e.g. one more plugin).</param>
    public static async Task<OrthancPair> StartAsync(bool worklists = true, OrthancBuild local = OrthancBuild.Portal,
        Action<System.Text.Json.Nodes.JsonObject>? configureLocal = null)
    {
        var localOrthanc = await OrthancProcess.StartAsync(LocalAet, worklists: worklists, dicomWeb: true, build: local, configure: configureLocal);
        // The remote PACS is an older Orthanc (the system's 1.10.1 on bookworm), as a real site's often is.
        var remote = await OrthancProcess.StartAsync(RemoteAet, build: OrthancBuild.System);
        await localOrthanc.AddModalityAsync(RemoteModalityName, RemoteAet, remote.DicomPort);
        await remote.AddModalityAsync(LocalModalityName, LocalAet, localOrthanc.DicomPort);
        return new OrthancPair { Local = localOrthanc, Remote = remote };
    }

    public async ValueTask DisposeAsync()
    {
        await Local.DisposeAsync();
        await Remote.DisposeAsync();
    }
}

/// <summary>
/// The shared setup most integration tests use: an Orthanc pair and the portal on the local one, with an admin,
/// a user and a viewer account. Test classes share one through <c>IClassFixture&lt;PortalFixture&gt;</c> and
/// call <see cref="ResetAsync"/> when they need empty Orthancs.
/// </summary>
public class PortalFixture : IAsyncLifetime
{
    public const string Password = "Test-Password-1";
    public const string AdminUser = "admin1";
    public const string StandardUser = "user1";
    public const string ViewerUser = "viewer1";

    public OrthancPair Orthancs { get; private set; } = default!;
    public PortalHost Portal { get; private set; } = default!;
    public OrthancProcess Local => Orthancs.Local;
    public OrthancProcess Remote => Orthancs.Remote;

    /// <summary>Subclasses whose tests drive Chromium say so; the browser then starts and stops with the fixture.</summary>
    protected virtual bool UsesBrowser => false;

    /// <summary>Playwright with Debian's Chromium; started only when <see cref="UsesBrowser"/>.</summary>
    public BrowserFixture Browser { get; } = new();

    /// <summary>Changes to the local Orthanc's configuration, for fixtures that need more of it (e.g. the Web Viewer plugin).</summary>
    protected virtual Action<System.Text.Json.Nodes.JsonObject>? ConfigureLocalOrthanc => null;

    /// <summary>The Orthanc the portal uses (in External mode): the portal's own 1.12 unless a subclass tests an older one.</summary>
    protected virtual OrthancBuild LocalOrthanc => OrthancBuild.Portal;

    /// <summary>Extra settings for the portal, as configuration keys (e.g. "Gdt:Folder").</summary>
    protected virtual IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>();

    /// <summary>The portal database's engine; null: <see cref="TestEnvironment.Database"/>. A Postgres fixture overrides it.</summary>
    protected virtual PortalDatabase? Database => null;

    public virtual async Task InitializeAsync()
    {
        Orthancs = await OrthancPair.StartAsync(local: LocalOrthanc, configureLocal: ConfigureLocalOrthanc);
        Portal = await PortalHost.StartExternalAsync(Orthancs.Local, extra: PortalSettings, database: Database);
        await Portal.CreateUserAsync(AdminUser, Password, Roles.Admin);
        await Portal.CreateUserAsync(StandardUser, Password, Roles.User);
        await Portal.CreateUserAsync(ViewerUser, Password, Roles.Viewer);
        if (UsesBrowser) await Browser.InitializeAsync();
    }

    public Task<HttpClient> SignInAsync(string user) => Portal.SignInAsync(user, Password);

    public async Task ResetAsync()
    {
        await Local.ClearAsync();
        await Remote.ClearAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (UsesBrowser) await Browser.DisposeAsync();
        if (Portal is not null) await Portal.DisposeAsync();
        if (Orthancs is not null) await Orthancs.DisposeAsync();
    }
}

/// <summary>The portal in External mode on the system's older Orthanc (1.10.1 on bookworm): no ExtendedFind, no labels.</summary>
public class LegacyOrthancPortalFixture : PortalFixture
{
    protected override OrthancBuild LocalOrthanc => OrthancBuild.System;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Local.Version.StartsWith("1.10.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The legacy tests need the host's Orthanc to be 1.10 (Debian bookworm's), not {Local.Version}.");
        }
    }
}

/// <summary>The portal fixture plus a browser, for Playwright tests.</summary>
public class BrowserPortalFixture : PortalFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The shared setup on PostgreSQL: the same portal with its database on the run's test PostgreSQL server.</summary>
public class PostgresPortalFixture : PortalFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}
