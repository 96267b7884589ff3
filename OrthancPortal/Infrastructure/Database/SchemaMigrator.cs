using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL scripts in Migrations/ (embedded resources, <c>NNNN_name.sql</c>) that the database
/// has not seen yet, each in its own transaction, and records them in <c>__SchemaVersions</c>.
/// An existing database is upgraded in place; nothing is ever wiped. (dotnet-ef cannot be installed here.)
/// </summary>
public sealed class SchemaMigrator(PortalDbContext db, ILogger<SchemaMigrator> logger)
{
    private const string ResourceMarker = ".Infrastructure.Database.Migrations.";

    public static IReadOnlyList<(string Id, string Sql)> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(ResourceMarker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Id: n[(n.IndexOf(ResourceMarker, StringComparison.Ordinal) + ResourceMarker.Length)..^4], Resource: n))
            .OrderBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => (x.Id, ReadResource(assembly, x.Resource)))
            .ToList();
    }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS \"__SchemaVersions\" (\"Id\" TEXT NOT NULL PRIMARY KEY, \"AppliedAt\" TEXT NOT NULL);", ct);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT \"Id\" FROM \"__SchemaVersions\"";
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
            }

            foreach (var (id, sql) in LoadScripts().Where(s => !applied.Contains(s.Id)))
            {
                await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, sql, ct);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = "INSERT INTO \"__SchemaVersions\" (\"Id\", \"AppliedAt\") VALUES ($id, $at)";
                    record.Parameters.AddWithValue("$id", id);
                    record.Parameters.AddWithValue("$at", DateTime.UtcNow.ToString("O"));
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied schema migration {Migration}", id);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
