namespace OrthancPortal.Infrastructure.Footprint;

/// <summary>
/// Config section <c>Footprint</c>: when the idle portal gives memory back to the operating system (issue 17: idle RSS
/// at most 150 MB on a small clinic server). Not a UI setting: it changes nothing a user sees.
/// </summary>
public sealed class FootprintOptions
{
    public const string Section = "Footprint";

    /// <summary>Off: the runtime keeps the memory it once used (its own heuristics only).</summary>
    public bool TrimWhenIdle { get; set; } = true;

    /// <summary>How long nothing must have happened (no request, no circuit event, no running job) before the trim.</summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(1);
}
