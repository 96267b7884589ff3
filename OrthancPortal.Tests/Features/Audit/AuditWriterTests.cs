using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Tests.Features.Audit;

/// <summary>Group commit of audit entries on a real SQLite database; a held first commit makes the batching deterministic.</summary>
public sealed class AuditWriterTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"audit-writer-{Guid.NewGuid():N}.db");
    private readonly HeldCommits commits = new();
    private readonly Factory factory;
    private readonly AuditWriter writer;

    public AuditWriterTests()
    {
        factory = new Factory(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path}").AddInterceptors(commits).Options);
        using (var db = factory.CreateDbContext()) db.Database.EnsureCreated();
        writer = new AuditWriter(factory, NullLogger<AuditWriter>.Instance);
    }

    [Fact]
    public async Task Writes_that_arrive_during_a_commit_share_the_next_one_and_each_ends_when_its_entry_is_stored()
    {
        var first = writer.WriteAsync([Entry("import.file", "first")]);
        await commits.FirstStarted.Task;
        var later = Enumerable.Range(1, 39).Select(i => writer.WriteAsync([Entry("import.file", $"file {i}")])).ToList();
        later.ShouldAllBe(t => !t.IsCompleted, "nothing is reported stored before it is committed");

        commits.ReleaseFirst();
        await first;
        await Task.WhenAll(later);

        writer.Commits.ShouldBe(2, "the first entry alone, then the 39 that waited, together");
        (await Resources()).ShouldBe(["first", .. Enumerable.Range(1, 39).Select(i => $"file {i}")]);
    }

    [Fact]
    public async Task A_write_whose_entry_cannot_be_stored_fails_alone_and_the_others_of_its_batch_are_stored()
    {
        var first = writer.WriteAsync([Entry("import.file", "first")]);
        await commits.FirstStarted.Task;
        var good = writer.WriteAsync([Entry("import.file", "good 1")]);
        var bad = writer.WriteAsync([Entry(HeldCommits.Refused, "bad")]);
        var alsoGood = writer.WriteAsync([Entry("import.file", "good 2"), Entry("import.file", "good 3")]);

        commits.ReleaseFirst();
        await first;
        await good;
        await alsoGood;
        (await Should.ThrowAsync<InvalidOperationException>(bad)).Message.ShouldContain("refused");
        (await Resources()).ShouldBe(["first", "good 1", "good 2", "good 3"]);
    }

    [Fact]
    public async Task A_write_with_nothing_waiting_is_committed_at_once()
    {
        commits.ReleaseFirst();
        await writer.WriteAsync([Entry("login", "admin")]);
        await writer.WriteAsync([Entry("logout", "admin")]);
        writer.Commits.ShouldBe(2);
        (await Resources()).ShouldBe(["admin", "admin"]);
    }

    private static AuditEntry Entry(string action, string resource) => new() { At = DateTime.UtcNow, UserName = "tester", Action = action, Resource = resource, Success = true };

    private async Task<List<string>> Resources()
    {
        await using var db = factory.CreateDbContext();
        return await db.Set<AuditEntry>().OrderBy(e => e.Id).Select(e => e.Resource).ToListAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    private sealed class Factory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(options);
    }

    /// <summary>Holds the first commit until the test lets it go; refuses any commit holding an entry of <see cref="Refused"/>.</summary>
    private sealed class HeldCommits : SaveChangesInterceptor
    {
        public const string Refused = "refused.action";
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int started;
        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseFirst() => release.TrySetResult();

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData data, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref started) == 1)
            {
                FirstStarted.TrySetResult();
                await release.Task;
            }
            if (data.Context!.ChangeTracker.Entries<AuditEntry>().Any(e => e.Entity.Action == Refused)) throw new InvalidOperationException("the database refused the entry");
            return result;
        }
    }
}
