using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

/// <summary>The PostgreSQL migrations (PostgresMigrations/) against a real server: what SchemaTests checks for SQLite.</summary>
public sealed class PostgresSchemaTests
{
    [Fact]
    public void The_Postgres_migrations_cover_the_EF_model()
    {
        using var db = new DesignTimePostgresPortalDbContextFactory().CreateDbContext([]);
        db.Database.HasPendingModelChanges().ShouldBeFalse(
            "Add a migration: dotnet ef migrations add <Name> --context PostgresPortalDbContext --output-dir Infrastructure/Database/PostgresMigrations");
    }

    [Fact]
    public async Task The_migrated_schema_equals_the_EF_model()
    {
        await using var migrated = await PostgresDatabase.CreateAsync("migrated");
        await using var fromModel = await PostgresDatabase.CreateAsync("model");
        await using (var db = Context(migrated))
        {
            await Migrator(db).MigrateAsync();
            // Running again on an up-to-date database changes nothing.
            await Migrator(db).MigrateAsync();
        }
        await using (var db = Context(fromModel)) await db.Database.EnsureCreatedAsync();

        (await DescribeAsync(migrated)).ShouldBe(await DescribeAsync(fromModel));
    }

    [Fact]
    public async Task The_audit_log_refuses_updates_deletes_and_truncation()
    {
        await using var database = await PostgresDatabase.CreateAsync("audit");
        await using var db = Context(database);
        await Migrator(db).MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "AuditLog" ("At", "UserName", "Action", "Resource", "Success") VALUES ('2026-01-01', 'u', 'a', 'r', true)""");
        foreach (var sql in new[] { """UPDATE "AuditLog" SET "UserName" = 'x'""", """DELETE FROM "AuditLog" """, """TRUNCATE "AuditLog" """ })
        {
            var error = await Should.ThrowAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
            error.MessageText.ShouldBe("The audit log is append-only.");
        }
        (await db.Set<AuditEntry>().CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_new_database_gets_its_random_instance_id()
    {
        await using var first = await PostgresDatabase.CreateAsync("instance");
        await using var second = await PostgresDatabase.CreateAsync("instance");
        var ids = new List<string>();
        foreach (var database in new[] { first, second })
        {
            await using var db = Context(database);
            await Migrator(db).MigrateAsync();
            ids.Add((await db.Set<PortalInstance>().SingleAsync()).InstanceId);
        }
        ids.ShouldAllBe(id => System.Text.RegularExpressions.Regex.IsMatch(id, "^[0-9a-f]{32}$"));
        ids.Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task Times_keep_their_value_whatever_their_kind_as_on_SQLite()
    {
        await using var database = await PostgresDatabase.CreateAsync("times");
        await using (var db = Context(database)) await Migrator(db).MigrateAsync();
        var utc = new DateTime(2026, 12, 1, 22, 30, 15, DateTimeKind.Utc);
        var wallClock = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Unspecified);
        await using (var db = Context(database))
        {
            db.Add(new AuditEntry { At = utc, UserName = "u", Action = "kind.utc", Resource = "r", Success = true });
            db.Add(new AuditEntry { At = wallClock, UserName = "u", Action = "kind.unspecified", Resource = "r", Success = true });
            await db.SaveChangesAsync();
        }
        await using (var db = Context(database))
        {
            var rows = await db.Set<AuditEntry>().OrderBy(e => e.At).ToListAsync();
            rows.Select(r => r.At).ShouldBe([utc, wallClock]);
            rows.ShouldAllBe(r => r.At.Kind == DateTimeKind.Unspecified);
            // A UTC parameter compares with the stored value as it is.
            (await db.Set<AuditEntry>().CountAsync(e => e.At >= utc)).ShouldBe(2);
        }
    }

    private static PortalDbMigrator Migrator(PortalDbContext db) => new(db, NullLogger<PortalDbMigrator>.Instance);

    private static PostgresPortalDbContext Context(PostgresDatabase database)
        => new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(database.ConnectionString).Options);

    /// <summary>Tables with their columns (type, nullability, default), constraints and indexes, in a stable order.</summary>
    private static async Task<List<string>> DescribeAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var lines = new List<string>();
        const string ignored = "('__EFMigrationsHistory', '__EFMigrationsLock')";
        await ReadAsync($"""
            SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' identity=' || is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN {ignored} ORDER BY 1
            """);
        await ReadAsync($"""
            SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND (SELECT relname FROM pg_class WHERE oid = conrelid) NOT IN {ignored} ORDER BY 1
            """);
        await ReadAsync($"""
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN {ignored} ORDER BY 1
            """);
        return lines;

        async Task ReadAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        }
    }
}
