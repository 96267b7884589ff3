namespace OrthancPortal.Features.Robots;

/// <summary>Runner settings (section "Robots").</summary>
public sealed class RobotOptions
{
    public const string Section = "Robots";
    /// <summary>How often Quartz wakes the runner to start due items, in seconds (finished items also wake it at once).</summary>
    public double TickSeconds { get; set; } = 10;
    /// <summary>Attempts per item before it fails for good.</summary>
    public int MaxAttempts { get; set; } = 3;
    /// <summary>Wait before the second attempt; it doubles for each further attempt.</summary>
    public double RetryBackoffSeconds { get; set; } = 30;
}
