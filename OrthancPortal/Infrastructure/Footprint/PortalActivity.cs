using Microsoft.AspNetCore.Components.Server.Circuits;

namespace OrthancPortal.Infrastructure.Footprint;

/// <summary>
/// Whether the portal is doing anything for anyone: requests in flight and the time of the last request or Blazor
/// circuit event. The idle trimmer reads it; the middleware (<see cref="FootprintExtensions.UseActivityTracking"/>) and
/// <see cref="ActivityCircuitHandler"/> write it. A circuit's WebSocket is one request that lasts as long as the page is
/// open, so it is not counted in flight: what the user does on the page arrives as circuit events instead.
/// </summary>
public sealed class PortalActivity(TimeProvider clock)
{
    private int inFlight;
    private long lastActivity = clock.GetUtcNow().UtcTicks;
    private long generation;

    public int InFlight => Volatile.Read(ref inFlight);

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivity), TimeSpan.Zero);

    /// <summary>Grows with every piece of activity: the trimmer trims once per idle spell, not again while nothing happened.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public void Begin()
    {
        Interlocked.Increment(ref inFlight);
        Touch();
    }

    public void End()
    {
        Touch();
        Interlocked.Decrement(ref inFlight);
    }

    public void Touch()
    {
        Interlocked.Exchange(ref lastActivity, clock.GetUtcNow().UtcTicks);
        Interlocked.Increment(ref generation);
    }
}

/// <summary>Every inbound event of a Blazor circuit (a click, a JS interop answer) is activity.</summary>
internal sealed class ActivityCircuitHandler(PortalActivity activity) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next)
        => async context =>
        {
            activity.Begin();
            try { await next(context); }
            finally { activity.End(); }
        };
}
