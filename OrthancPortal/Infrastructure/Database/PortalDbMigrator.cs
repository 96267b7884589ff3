using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// Brings the portal database to the current EF model with EF Core migrations (Infrastructure/Database/Migrations,
/// written with the local tool: <c>dotnet ef migrations add Name --project OrthancPortal</c>). An existing database
/// is upgraded in place; nothing is ever wiped.
/// </summary>
public sealed class PortalDbMigrator(PortalDbContext db, ILogger<PortalDbMigrator> logger)
{
    /// <summary>The first EF migration: the schema that the numbered SQL scripts of the first landing had built.</summary>
    public const string BaselineMigration = "20261201194000_InitialSchema";

    /// <summary>The numbered SQL scripts of the first landing; a database that has all of them is at the baseline.</summary>
    internal static readonly string[] LegacyScripts =
        ["0001_foundation", "0400_baskets", "0500_robots", "0600_burner", "0700_gdt_worklists", "0800_automation", "0900_ldap"];

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                await ExecuteAsync(sqlite, "PRAGMA journal_mode=WAL;", ct);
                await BridgeLegacySchemaAsync(sqlite, ct);
            }
            else
            {
                // Several portals may start at once on one PostgreSQL database: one migrates, the others wait here and
                // then find nothing pending. A session-level advisory lock, held by this open connection until it closes
                // (the lease table cannot serve: it is made by these very migrations). The key is any constant all portals share.
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(22344200284024692)", ct);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await db.Database.MigrateAsync(ct);
            foreach (var migration in pending) logger.LogInformation("Applied schema migration {Migration}", migration);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A database made before EF migrations records its scripts in <c>__SchemaVersions</c>. When it has every one
    /// of them, its schema is the baseline migration's: record that migration as applied, so EF only adds what came
    /// later. A database that stopped at an older script is refused with the reason instead of being guessed at.
    /// </summary>
    private async Task BridgeLegacySchemaAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (!await TableExistsAsync(connection, "__SchemaVersions", ct) || await TableExistsAsync(connection, HistoryRepository.DefaultTableName, ct)) return;
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT \"Id\" FROM \"__SchemaVersions\"";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
        }
        var missing = LegacyScripts.Where(s => !applied.Contains(s)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The portal database predates the last release of the numbered schema scripts (missing: {string.Join(", ", missing)}). " +
                "Start the previous release once to bring it up to date, then this one.");
        }
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var productVersion = typeof(DbContext).Assembly.GetName().Version!.ToString(3);
        await ExecuteAsync(connection,
            $"CREATE TABLE \"{HistoryRepository.DefaultTableName}\" (\"MigrationId\" TEXT NOT NULL CONSTRAINT \"PK___EFMigrationsHistory\" PRIMARY KEY, \"ProductVersion\" TEXT NOT NULL);" +
            $"INSERT INTO \"{HistoryRepository.DefaultTableName}\" VALUES ('{BaselineMigration}', '{productVersion}');" +
            "DROP TABLE \"__SchemaVersions\";", ct, tx);
        await tx.CommitAsync(ct);
        logger.LogInformation("Moved the portal database from the numbered schema scripts to EF migrations (baseline {Migration})", BaselineMigration);
    }

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        cmd.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct)) > 0;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, SqliteTransaction? tx = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>For <c>dotnet ef</c> only: builds the context without starting the portal.</summary>
internal sealed class DesignTimePortalDbContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
