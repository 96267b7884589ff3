using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OrthancPortal.Infrastructure.Database;

/// <summary>
/// Per-connection SQLite settings. With WAL (set once by the migrator), synchronous=NORMAL still survives a crash
/// of the portal; only a power cut can lose the last commits. It saves an fsync on every commit, which audit
/// entries per imported file and robot item updates otherwise pay. busy_timeout lets writers queue instead of failing.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    private static void Apply(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        cmd.ExecuteNonQuery();
    }
}
