using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

public sealed class SchemaTests
{
    private static readonly string LegacyFixture = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "Fixtures", "portal-before-ef-migrations.db");

    [Fact]
    public void The_migrations_cover_the_EF_model()
    {
        using var db = Context(Path.Combine(TestEnvironment.NewTempFolder("schema-pending"), "x.db"));
        db.Database.HasPendingModelChanges().ShouldBeFalse("Add a migration: dotnet ef migrations add <Name> --context PortalDbContext --output-dir Infrastructure/Database/Migrations");
    }

    [Fact]
    public async Task The_migrated_schema_equals_the_EF_model()
    {
        var folder = TestEnvironment.NewTempFolder("schema");
        try
        {
            var migrated = Path.Combine(folder, "migrated.db");
            var fromModel = Path.Combine(folder, "model.db");
            await using (var db = Context(migrated))
            {
                await Migrator(db).MigrateAsync();
                // Running again on an up-to-date database changes nothing.
                await Migrator(db).MigrateAsync();
            }
            await using (var db = Context(fromModel)) await db.Database.EnsureCreatedAsync();

            Describe(migrated).ShouldBe(Describe(fromModel));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    [Fact]
    public async Task A_database_made_by_the_numbered_scripts_upgrades_in_place_and_keeps_its_rows()
    {
        var folder = TestEnvironment.NewTempFolder("schema-legacy");
        try
        {
            var upgraded = Path.Combine(folder, "portal.db");
            File.Copy(LegacyFixture, upgraded);
            var fromModel = Path.Combine(folder, "model.db");
            await using (var db = Context(upgraded)) await Migrator(db).MigrateAsync();
            await using (var db = Context(fromModel)) await db.Database.EnsureCreatedAsync();

            Describe(upgraded).ShouldBe(Describe(fromModel));
            using var connection = new SqliteConnection($"Data Source={upgraded}");
            connection.Open();
            Query(connection, "SELECT UserName FROM AspNetUsers").Single()[0].ShouldBe("fixture.user");
            Query(connection, "SELECT Details FROM AuditLog").Single()[0].ShouldBe("kept across the upgrade");
            Query(connection, "SELECT Json FROM Settings WHERE Section = 'Gdt'").Single()[0].ShouldBe("{\"Enabled\":false}");
            Query(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId").First()[0].ShouldBe(PortalDbMigrator.BaselineMigration);
            Query(connection, "SELECT name FROM sqlite_master WHERE name = '__SchemaVersions'").ShouldBeEmpty();
            // The upgraded audit log is still append-only.
            Should.Throw<SqliteException>(() => Query(connection, "DELETE FROM AuditLog"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    [Fact]
    public async Task A_database_that_stopped_at_an_older_script_is_refused_with_the_reason()
    {
        var folder = TestEnvironment.NewTempFolder("schema-old");
        try
        {
            var path = Path.Combine(folder, "portal.db");
            File.Copy(LegacyFixture, path);
            using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                connection.Open();
                Query(connection, "DELETE FROM __SchemaVersions WHERE Id = '0900_ldap'");
            }
            await using var db = Context(path);
            var error = await Should.ThrowAsync<InvalidOperationException>(() => Migrator(db).MigrateAsync());
            error.Message.ShouldContain("0900_ldap");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    [Fact]
    public async Task The_audit_log_refuses_updates_and_deletes()
    {
        var folder = TestEnvironment.NewTempFolder("audit");
        try
        {
            await using var db = Context(Path.Combine(folder, "audit.db"));
            await Migrator(db).MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("INSERT INTO AuditLog (At, UserName, Action, Resource, Success) VALUES ('2026-01-01', 'u', 'a', 'r', 1)");
            await Should.ThrowAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE AuditLog SET UserName = 'x'"));
            await Should.ThrowAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM AuditLog"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    private static PortalDbMigrator Migrator(PortalDbContext db) => new(db, NullLogger<PortalDbMigrator>.Instance);

    private static PortalDbContext Context(string path)
        => new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path}").Options);

    /// <summary>Tables with their columns (name, type, not-null, primary key) and indexes (name, unique, columns), in a stable order.</summary>
    private static List<string> Describe(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        var lines = new List<string>();
        var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('__SchemaVersions', '__EFMigrationsHistory', '__EFMigrationsLock') ORDER BY name")
            .Select(r => r[0]).ToList();
        foreach (var table in tables)
        {
            foreach (var c in Query(connection, $"PRAGMA table_info(\"{table}\")").OrderBy(r => r[1]))
            {
                lines.Add($"{table}.{c[1]} {c[2]} notnull={c[3]} pk={c[5]}");
            }
            foreach (var i in Query(connection, $"PRAGMA index_list(\"{table}\")").Where(r => !r[1].StartsWith("sqlite_autoindex")).OrderBy(r => r[1]))
            {
                var columns = string.Join(",", Query(connection, $"PRAGMA index_info(\"{i[1]}\")").Select(r => r[2]));
                lines.Add($"{table} index {i[1]} unique={i[2]} ({columns})");
            }
            foreach (var fk in Query(connection, $"PRAGMA foreign_key_list(\"{table}\")").OrderBy(r => r[3]))
            {
                lines.Add($"{table} fk {fk[3]} -> {fk[2]}.{fk[4]} on delete {fk[6]}");
            }
        }
        return lines;
    }

    private static List<string[]> Query(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i))!).ToArray());
        return rows;
    }
}
