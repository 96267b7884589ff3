using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Access;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure.ScaleOut;

/// <summary>Two portals started at the same moment on an empty PostgreSQL database: one schema, one set of roles, one first admin.</summary>
public sealed class SeedingRaceTests : IAsyncLifetime
{
    private ScaleOutCluster cluster = default!;

    public async Task InitializeAsync() => cluster = await ScaleOutCluster.StartAsync("SEEDPACS");

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task Two_portals_starting_at_once_seed_the_database_once()
    {
        var portals = await Task.WhenAll(cluster.StartProcessAsync(), cluster.StartProcessAsync());

        await using var db = cluster.OpenDatabase();
        (await db.Users.Select(u => u.UserName).ToListAsync()).ShouldBe(["admin"]);
        var roles = await db.Roles.Select(r => r.Name).ToListAsync();
        roles.Order().ShouldBe(Roles.Seeded.Select(r => r.Key).Order());
        // Each role's permissions once: a second seeder would have added its claims again.
        var claims = await db.RoleClaims.GroupBy(c => new { c.RoleId, c.ClaimValue }).Where(g => g.Count() > 1).CountAsync();
        claims.ShouldBe(0);
        portals.Count(p => p.Output.Contains("OrthancPortal first start: sign in as 'admin'")).ShouldBe(1, "one process made the first admin and printed its password");
    }
}
