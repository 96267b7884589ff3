using System.Collections.Concurrent;

namespace OrthancPortal.Infrastructure.Live;

/// <summary>
/// The one in-process push channel. Background work publishes typed messages; components subscribe after
/// first render, marshal with <c>InvokeAsync</c>, and dispose the subscription. The Blazor circuit carries
/// the resulting re-render to the browser, so no page polls. On PostgreSQL every message also goes to the other
/// portal processes on the database (<see cref="PostgresLiveFanOut"/>: LISTEN/NOTIFY), so a page sees work done on any of them.
/// </summary>
public sealed class LiveNotifier(ILogger<LiveNotifier> logger)
{
    private readonly ConcurrentDictionary<Type, ImmutableSubscriberList> subscribers = new();

    public IDisposable Subscribe<T>(Func<T, Task> handler)
    {
        // A page subscribes on its circuit, in the user's culture; the message comes from a background thread in
        // another. Delivering in the subscriber's culture keeps dates and texts a callback renders in its language.
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        var uiCulture = System.Globalization.CultureInfo.CurrentUICulture;
        Func<object, Task> wrapped = message =>
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
            System.Globalization.CultureInfo.CurrentUICulture = uiCulture;
            return handler((T)message);
        };
        subscribers.AddOrUpdate(typeof(T), _ => new([wrapped]), (_, list) => list.Add(wrapped));
        return new Subscription(() => subscribers.AddOrUpdate(typeof(T), _ => new([]), (_, list) => list.Remove(wrapped)));
    }

    /// <summary>Set by the fan-out when there is one: it gets every message published here, to send to the other processes.</summary>
    internal Action<Type, object>? Forward { get; set; }

    /// <summary>Delivers to every subscriber; one failing subscriber never stops the others or the publisher.</summary>
    public void Publish<T>(T message) where T : notnull
    {
        Forward?.Invoke(typeof(T), message);
        DeliverLocally(typeof(T), message);
    }

    /// <summary>A message from another process (or this one): to this process's subscribers only.</summary>
    internal void DeliverLocally(Type type, object message)
    {
        if (!subscribers.TryGetValue(type, out var list)) return;
        foreach (var handler in list.Handlers)
        {
            _ = DeliverAsync(handler, message);
        }
    }

    private async Task DeliverAsync(Func<object, Task> handler, object message)
    {
        try { await handler(message); }
        catch (Exception ex) { logger.LogWarning(ex, "A live subscriber failed for {Message}", message.GetType().Name); }
    }

    private sealed record ImmutableSubscriberList(IReadOnlyList<Func<object, Task>> Handlers)
    {
        public ImmutableSubscriberList Add(Func<object, Task> h) => new([.. Handlers, h]);
        public ImmutableSubscriberList Remove(Func<object, Task> h) => new(Handlers.Where(x => x != h).ToList());
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }
}
