using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Time;

namespace OrthancPortal.Tests.Infrastructure.Time;

public sealed class PortalTimeTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void The_setting_names_the_zone_and_empty_means_the_hosts()
    {
        PortalTimeProvider.ZoneFromSetting("Europe/Berlin").Id.ShouldBe("Europe/Berlin");
        PortalTimeProvider.ZoneFromSetting("").ShouldBe(TimeZoneInfo.Local);
        PortalTimeProvider.ZoneFromSetting(null).ShouldBe(TimeZoneInfo.Local);
        Should.Throw<InvalidOperationException>(() => PortalTimeProvider.ZoneFromSetting("Mars/Olympus_Mons")).Message.ShouldContain("Portal:TimeZone");

        var clock = new PortalTimeProvider(Berlin);
        clock.LocalTimeZone.ShouldBe(Berlin);
        clock.ToLocal(new DateTime(2027, 7, 1, 10, 0, 0, DateTimeKind.Unspecified)).ShouldBe(new DateTime(2027, 7, 1, 12, 0, 0), "stored UTC, shown in CEST");
    }

    [Fact]
    public async Task The_worklists_today_follows_the_portal_time_zone()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portal-time-{Guid.NewGuid():N}.db");
        var factory = new Factory(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);
        try
        {
            await using (var db = factory.CreateDbContext())
            {
                await db.Database.EnsureCreatedAsync();
                db.AddRange(Entry("R0000000001", new DateTime(2027, 1, 10, 20, 0, 0)), Entry("R0000000002", new DateTime(2027, 1, 11, 9, 0, 0)));
                await db.SaveChangesAsync();
            }
            // 23:30 UTC on 10 January is already 00:30 on the 11th in Berlin.
            var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 10, 23, 30, 0, TimeSpan.Zero));

            clock.SetLocalTimeZone(TimeZoneInfo.Utc);
            clock.LocalToday().ShouldBe(new DateOnly(2027, 1, 10));
            (await Service(factory, clock).ListUpcomingAsync()).Select(e => e.AccessionNumber).ShouldBe(["R0000000001", "R0000000002"]);

            clock.SetLocalTimeZone(Berlin);
            clock.LocalToday().ShouldBe(new DateOnly(2027, 1, 11));
            (await Service(factory, clock).ListUpcomingAsync()).Select(e => e.AccessionNumber).ShouldBe(["R0000000002"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Listing reads only the database and the clock.
    private static WorklistService Service(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
        => new(factory, null!, null!, null!, null!, null!, null!, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<WorklistService>.Instance);

    private static WorklistEntry Entry(string accession, DateTime scheduledAt) => new()
    {
        AccessionNumber = accession, PatientId = "P1", LastName = "Test", Modality = "US", StationAet = "US1",
        ScheduledAt = scheduledAt, StudyInstanceUid = "1.2.3." + accession[^1], FileName = accession + ".wl",
    };

    private sealed class Factory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(options);
    }
}
