using System.Diagnostics;

namespace OrthancPortal.Features.Robots;

/// <summary>
/// Where a robot item's time goes, as <see cref="Activity"/> spans: free while nobody listens (StartActivity returns
/// null), and what the robot benchmark listens to, beside Orthanc's own job times, to split the time between two moves.
/// </summary>
public static class RobotActivities
{
    public const string SourceName = "OrthancPortal.Robots";

    /// <summary>One dispatch pass (lease, reading the due items, marking them retrieving, handing them to Quartz).</summary>
    public const string Dispatch = "robot.dispatch";

    /// <summary>One item's run in its Quartz job, from the job's start to its outcome recorded; tag <see cref="ItemTag"/>.</summary>
    public const string Item = "robot.item";

    /// <summary>Reading the item, the C-FIND, recording the origin, asking Orthanc for the move, saving its job id; tag <see cref="JobTag"/>.</summary>
    public const string Start = "robot.item.start";

    /// <summary>Following the move until the portal sees it ended (event <see cref="MoveEnded"/>), then finding the local study.</summary>
    public const string Follow = "robot.item.follow";

    /// <summary>The event on <see cref="Follow"/> when the portal saw the move ended and freed its slot.</summary>
    public const string MoveEnded = "robot.move.ended";

    /// <summary>Writing the outcome on the item.</summary>
    public const string Record = "robot.item.record";

    public const string ItemTag = "robot.item.id", JobTag = "orthanc.job";

    internal static readonly ActivitySource Source = new(SourceName);
}
