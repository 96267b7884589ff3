namespace OrthancPortal.Infrastructure.Time;

/// <summary>
/// The portal's clock: the system's time, read in the portal's time zone (<c>Portal:TimeZone</c>, an IANA id such as
/// Europe/Berlin; empty: the host's zone, which honours <c>TZ</c>). Everything that asks <see cref="TimeProvider"/> for
/// local time (robot windows, the worklist's "today", times on pages) follows this one setting, never the process's
/// <see cref="TimeZoneInfo.Local"/> on its own, so a container without <c>TZ</c> is not silently on UTC for some parts only.
/// </summary>
public sealed class PortalTimeProvider(TimeZoneInfo zone) : TimeProvider
{
    public override TimeZoneInfo LocalTimeZone => zone;

    /// <summary>The zone a setting names; empty: the host's. An unknown id stops the start with the reason.</summary>
    public static TimeZoneInfo ZoneFromSetting(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Local;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id.Trim()); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidOperationException($"Portal:TimeZone '{id}' is not a time zone this host knows (use an IANA id such as Europe/Berlin).", ex);
        }
    }
}

/// <summary>Local dates and times in the portal's time zone, for pages and services that hold UTC values.</summary>
public static class PortalTime
{
    /// <summary>Today's date on the portal's wall clock.</summary>
    public static DateOnly LocalToday(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    /// <summary>A UTC time (as the database stores it; an unspecified kind is read as UTC) on the portal's wall clock.</summary>
    public static DateTime ToLocal(this TimeProvider clock, DateTime utc)
        => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), clock.LocalTimeZone);

    public static DateTime ToLocal(this TimeProvider clock, DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, clock.LocalTimeZone).DateTime;
}
