using System.Collections.Concurrent;

namespace OrthancPortal.Infrastructure.Live;

/// <summary>
/// The one in-process push channel. Background work publishes typed messages; components subscribe after
/// first render, marshal with <c>InvokeAsync</c>, and dispose the subscription. The Blazor circuit carries
/// the resulting re-render to the browser, so no page polls.
/// </summary>
public sealed class LiveNotifier(ILogger<LiveNotifier> logger)
{
    private readonly ConcurrentDictionary<Type, ImmutableSubscriberList> subscribers = new();

    public IDisposable Subscribe<T>(Func<T, Task> handler)
    {
        // The subscriber's culture (its circuit's language), not the publisher's: a background worker publishes with
        // the server's culture, and the page it wakes would otherwise re-render its dates as 12/01/2026.
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

    /// <summary>Delivers to every subscriber; one failing subscriber never stops the others or the publisher.</summary>
    public void Publish<T>(T message) where T : notnull
    {
        if (!subscribers.TryGetValue(typeof(T), out var list)) return;
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
