using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Access;
using OrthancPortal.Infrastructure;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

/// <summary>Where the Data Protection key ring lives: in the database on PostgreSQL (shared by every portal on it), in the data folder on SQLite.</summary>
public sealed class DataProtectionKeysTests
{
    private static readonly Dictionary<string, string?> NoOrthanc = new() { ["Orthanc:Executable"] = "/bin/false" };

    [Fact]
    public async Task Two_portals_on_one_PostgreSQL_database_share_the_keys_so_a_sign_in_on_one_holds_on_the_other()
    {
        await using var first = await PortalHost.StartManagedAsync(extra: NoOrthanc, database: PortalDatabase.Postgres);
        await first.CreateUserAsync("dpk-admin", PortalFixture.Password, Roles.Admin);
        var (_, cookie) = await SessionPortalFixture.SignInAsync(first, "dpk-admin", PortalFixture.Password);

        // Another process on its own data folder, sharing only the database.
        await using var second = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?>(NoOrthanc)
        {
            ["Portal:Database"] = nameof(PortalDatabase.Postgres),
            ["Portal:ConnectionString"] = first.PostgresConnectionString,
        }, database: PortalDatabase.Sqlite);
        second.DataFolder.ShouldNotBe(first.DataFolder);
        (await SessionPortalFixture.GetWithCookieAsync(second, "api/admin/users", cookie)).StatusCode.ShouldBe(HttpStatusCode.OK,
            "the cookie the first portal protected is read by the second");

        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = (PostgresPortalDbContext)scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            (await db.DataProtectionKeys.CountAsync()).ShouldBe(1, "one key, made by the first portal, used by both");
        }
        foreach (var portal in new[] { first, second })
        {
            var keys = Path.Combine(portal.DataFolder, "keys");
            (Directory.Exists(keys) ? Directory.GetFiles(keys) : []).ShouldBeEmpty("no key files in the data folder");
        }
    }

    [Fact]
    public async Task On_SQLite_the_keys_stay_files_in_the_data_folder()
    {
        await using var portal = await PortalHost.StartManagedAsync(extra: NoOrthanc, database: PortalDatabase.Sqlite);
        await portal.CreateUserAsync("dpk-local", PortalFixture.Password, Roles.Viewer);
        await SessionPortalFixture.SignInAsync(portal, "dpk-local", PortalFixture.Password);
        Directory.GetFiles(Path.Combine(portal.DataFolder, "keys"), "key-*.xml").ShouldNotBeEmpty();
    }
}
