using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Infrastructure;

public sealed class SchemaTests
{
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
                await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
                // Running again on an up-to-date database changes nothing.
                await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
            }
            await using (var db = Context(fromModel)) await db.Database.EnsureCreatedAsync();

            var expected = Describe(fromModel);
            var actual = Describe(migrated);
            actual.ShouldBe(expected);
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
            await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
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

    private static PortalDbContext Context(string path)
        => new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={path}").Options);

    /// <summary>Tables with their columns (name, type, not-null, primary key) and indexes (name, unique, columns), in a stable order.</summary>
    private static List<string> Describe(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        var lines = new List<string>();
        var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__SchemaVersions' ORDER BY name")
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
