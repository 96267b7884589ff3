using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Npgsql;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Scheduling;

namespace OrthancPortal.Infrastructure.Live;

/// <summary>
/// A live message too large for NOTIFY's 8000-byte payload (table <c>LiveMessages</c>, PostgreSQL model only): the
/// notification carries its id, the receivers load it. Rows older than a few minutes are deleted by the next large one.
/// </summary>
public sealed class LiveMessage
{
    public long Id { get; set; }
    public string Type { get; set; } = "";
    public string Json { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>Applied by <see cref="PostgresPortalDbContext"/> only (SQLite has one process and no fan-out).</summary>
    internal static void Configure(EntityTypeBuilder<LiveMessage> e)
    {
        e.ToTable("LiveMessages");
        e.Property(x => x.Type).HasMaxLength(300);
        e.HasIndex(x => x.CreatedAt);
    }
}

/// <summary>
/// Carries <see cref="LiveNotifier"/> messages between the portal processes on one PostgreSQL database: each published
/// message is sent with <c>pg_notify</c> on channel <see cref="Channel"/> (sender node, type name, JSON), and one
/// connection per process LISTENs and hands the others' messages to its own subscribers. Only types of the portal's
/// own assembly are accepted. SQLite has one process, so there it is not registered and the notifier stays in-process.
/// Delivery is best effort, like the in-process notifier's: a page that missed a message shows fresh data on its next load.
/// </summary>
public sealed class PostgresLiveFanOut(
    LiveNotifier notifier,
    PortalNode node,
    IOptions<PortalOptions> portal,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    ILogger<PostgresLiveFanOut> logger) : BackgroundService
{
    public const string Channel = "portal_live";

    /// <summary>NOTIFY refuses payloads of 8000 bytes or more; the envelope stays below with room to spare.</summary>
    internal const int MaxInlineBytes = 7800;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
    private readonly Channel<(Type Type, object Message)> outgoing =
        System.Threading.Channels.Channel.CreateBounded<(Type, object)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    private sealed record Envelope(string N, string T, string? J, long? Id);

    public override Task StartAsync(CancellationToken ct)
    {
        notifier.Forward = (type, message) => outgoing.Writer.TryWrite((type, message));
        return base.StartAsync(ct);
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        notifier.Forward = null;
        await base.StopAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stopping)
        => Task.WhenAll(Task.Run(() => SendLoopAsync(stopping), stopping), Task.Run(() => ListenLoopAsync(stopping), stopping));

    private async Task SendLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(portal.Value.ConnectionString);
                await connection.OpenAsync(stopping);
                while (await outgoing.Reader.WaitToReadAsync(stopping))
                {
                    while (outgoing.Reader.TryPeek(out var item))
                    {
                        await SendAsync(connection, item.Type, item.Message, stopping);
                        outgoing.Reader.TryRead(out _);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sending live messages to the other portal processes failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task SendAsync(NpgsqlConnection connection, Type type, object message, CancellationToken ct)
    {
        string json;
        try { json = JsonSerializer.Serialize(message, type, Json); }
        catch (Exception ex) when (ex is NotSupportedException or JsonException)
        {
            logger.LogDebug(ex, "Live message {Type} stays in this process: it does not serialize", type.Name);
            return;
        }
        var typeName = type.FullName!;
        var payload = JsonSerializer.Serialize(new Envelope(node.Id, typeName, json, null), Json);
        if (Encoding.UTF8.GetByteCount(payload) > MaxInlineBytes)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = new LiveMessage { Type = typeName, Json = json, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Add(row);
            await db.SaveChangesAsync(ct);
            var old = row.CreatedAt - TimeSpan.FromMinutes(5);
            await db.Set<LiveMessage>().Where(m => m.CreatedAt < old).ExecuteDeleteAsync(ct);
            payload = JsonSerializer.Serialize(new Envelope(node.Id, typeName, null, row.Id), Json);
        }
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        notify.Parameters.AddWithValue("channel", Channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync(ct);
    }

    private async Task ListenLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(portal.Value.ConnectionString);
                await connection.OpenAsync(stopping);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == Channel) _ = ReceiveAsync(e.Payload, stopping);
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection)) await listen.ExecuteNonQueryAsync(stopping);
                Listening = true;
                while (!stopping.IsCancellationRequested) await connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                Listening = false;
                logger.LogWarning(ex, "Listening for the other portal processes' live messages failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(2), clock, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>True once this process LISTENs (for tests and diagnostics).</summary>
    public bool Listening { get; private set; }

    private async Task ReceiveAsync(string payload, CancellationToken ct)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
            // Our own messages were delivered here when they were published.
            if (envelope is null || envelope.N == node.Id) return;
            // Only the portal's own message types: a payload never names an arbitrary type to instantiate.
            var type = typeof(LiveNotifier).Assembly.GetType(envelope.T, throwOnError: false);
            if (type is null) return;
            var json = envelope.J;
            if (json is null && envelope.Id is { } id)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                json = await db.Set<LiveMessage>().AsNoTracking().Where(m => m.Id == id).Select(m => m.Json).FirstOrDefaultAsync(ct);
            }
            if (json is null || JsonSerializer.Deserialize(json, type, Json) is not { } message) return;
            notifier.DeliverLocally(type, message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "A live message from another portal process could not be read");
        }
    }
}
