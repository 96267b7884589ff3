using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.QueryRetrieve;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Robots;

/// <summary>Who acts on robots: owners see and steer their own, admins all of them and only admins approve.</summary>
public sealed record RobotUser(string? Id, string Name, bool IsAdmin, bool CanAutoRetrieve)
{
    public Actor Actor => new(Id, Name, null);

    public static RobotUser From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "?",
        user.HasClaim(Permissions.ClaimType, Permissions.Admin), user.HasClaim(Permissions.ClaimType, Permissions.AutoRetrieve));
}

/// <summary>A robot with its counts, for lists and the monitor.</summary>
public sealed record RobotSummary(Robot Robot, int Total, int Retrieved, int Failed, int Retrieving, int Invalid)
{
    public double Progress => Total == 0 ? 0 : (double)Retrieved / Total;

    // The robots grid refreshes live: a summary is its robot, so the row stays (see RowIdentity).
    public bool Equals(RobotSummary? other) => other is not null && other.Robot.Id == Robot.Id;
    public override int GetHashCode() => Robot.Id.GetHashCode();
}

/// <summary>A study or series chosen in the query results, to become a robot item.</summary>
public sealed record RobotItemSource(int Line, string Modality, string StudyInstanceUid, string SeriesInstanceUid, string PatientId, string PatientName, string StudyDescription);

/// <summary>A robot action the user may not take, or that the robot's state forbids; shown as is.</summary>
public sealed class RobotException(string message) : Exception(message);

/// <summary>Creates, approves and steers robots. Every change is audited and pushed to the monitor pages.</summary>
public sealed class RobotService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, LiveNotifier notifier, RobotRunner runner, TimeProvider clock,
    IStringLocalizer<RobotService> L)
{
    public const int MaxConcurrency = 8;

    /// <summary>One item per chosen result; duplicates (same study and series) are dropped.</summary>
    public async Task<long> CreateFromResultsAsync(RobotUser user, string projectName, IReadOnlyList<RobotItemSource> sources, CancellationToken ct = default)
    {
        var items = sources.DistinctBy(s => (s.StudyInstanceUid, s.SeriesInstanceUid)).Select(s => new RobotItem
        {
            Line = s.Line, Modality = s.Modality, StudyInstanceUid = s.StudyInstanceUid, SeriesInstanceUid = s.SeriesInstanceUid,
            PatientId = s.PatientId, PatientName = s.PatientName, StudyDescription = s.StudyDescription,
        }).ToList();
        return await CreateAsync(user, projectName, items, ct);
    }

    /// <summary>One item per query list row: validation then decides whether the row names exactly one study.</summary>
    public async Task<long> CreateFromQueryListAsync(RobotUser user, string projectName, string? defaultModality, IReadOnlyList<QueryListRow> rows,
        Func<string, Task<string?>> modalityByAet, CancellationToken ct = default)
    {
        var items = new List<RobotItem>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (criteria, error) = rows[i].ToCriteria();
            if (criteria is null) throw new RobotException(L["Row {0}: {1}", i + 1, error ?? ""]);
            var modality = await QueryListService.ModalityOfRowAsync(rows[i], i + 1, defaultModality, modalityByAet);
            items.Add(new RobotItem
            {
                Line = i + 1, Modality = modality, PatientName = criteria.PatientName, PatientId = criteria.PatientId,
                AccessionNumber = criteria.AccessionNumber, DateFrom = criteria.DateFrom, DateTo = criteria.DateTo,
                StudyDescription = criteria.StudyDescription, Modalities = criteria.Modalities,
                StudyInstanceUid = criteria.StudyInstanceUid, SeriesInstanceUid = criteria.SeriesInstanceUid,
            });
        }
        return await CreateAsync(user, projectName, items, ct);
    }

    private async Task<long> CreateAsync(RobotUser user, string projectName, List<RobotItem> items, CancellationToken ct)
    {
        if (!user.CanAutoRetrieve && !user.IsAdmin) throw new RobotException(L["You may not create robots."]);
        projectName = projectName.Trim();
        if (projectName.Length is 0 or > 128) throw new RobotException(L["Give the robot a project name (at most 128 characters)."]);
        if (items.Count == 0) throw new RobotException(L["The robot has no studies."]);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = new Robot { ProjectName = projectName, OwnerId = user.Id, OwnerName = user.Name, Status = RobotStatus.Validating, CreatedAt = now };
        db.Add(robot);
        await db.SaveChangesAsync(ct);
        foreach (var item in items)
        {
            item.RobotId = robot.Id;
            item.UpdatedAt = now;
        }
        db.AddRange(items);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(user.Actor, "robot.create", $"robot:{robot.Id}", $"{projectName}: {items.Count} items", ct: ct);
        Changed(robot);
        await runner.ValidateLaterAsync(robot.Id);
        return robot.Id;
    }

    /// <summary>
    /// One page of the robots the user may see, sorted in the database (progress too, as retrieved over all items), with
    /// the item counts read for that page's robots only.
    /// </summary>
    public async Task<PageOf<RobotSummary>> PageAsync(RobotUser user, PageRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = db.Set<RobotItem>();
        var sort = new SortKeys<Robot>(q => q.OrderByDescending(r => r.Id), q => q.ThenByDescending(r => r.Id))
            .Add("Id", r => r.Id)
            .Add("ProjectName", r => r.ProjectName)
            .Add("OwnerName", r => r.OwnerName)
            .Add("Status", r => r.Status)
            .Add("CreatedAt", r => r.CreatedAt)
            .Add("Progress", r => items.Count(i => i.RobotId == r.Id) == 0 ? 0.0
                : (double)items.Count(i => i.RobotId == r.Id && i.State == ItemState.Retrieved) / items.Count(i => i.RobotId == r.Id));
        var page = await db.Set<Robot>().AsNoTracking().Where(r => user.IsAdmin || r.OwnerId == user.Id).ToPageAsync(request, sort, ct);
        return new PageOf<RobotSummary>(await SummariesAsync(db, page.Items, ct), page.Total);
    }

    /// <summary>Every robot the user may see, newest first (the API's list).</summary>
    public async Task<IReadOnlyList<RobotSummary>> ListAsync(RobotUser user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robots = await db.Set<Robot>().AsNoTracking().Where(r => user.IsAdmin || r.OwnerId == user.Id).OrderByDescending(r => r.Id).ToListAsync(ct);
        return await SummariesAsync(db, robots, ct);
    }

    public async Task<RobotSummary?> GetAsync(RobotUser user, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = await db.Set<Robot>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && (user.IsAdmin || r.OwnerId == user.Id), ct);
        return robot is null ? null : (await SummariesAsync(db, [robot], ct))[0];
    }

    private static async Task<IReadOnlyList<RobotSummary>> SummariesAsync(PortalDbContext db, IReadOnlyList<Robot> robots, CancellationToken ct)
    {
        var ids = robots.Select(r => r.Id).ToList();
        var counts = await db.Set<RobotItem>().Where(i => ids.Contains(i.RobotId))
            .GroupBy(i => new { i.RobotId, i.State, i.Validation })
            .Select(g => new { g.Key.RobotId, g.Key.State, g.Key.Validation, Count = g.Count() })
            .ToListAsync(ct);
        return robots.Select(r =>
        {
            var c = counts.Where(x => x.RobotId == r.Id).ToList();
            return new RobotSummary(r, c.Sum(x => x.Count), c.Where(x => x.State == ItemState.Retrieved).Sum(x => x.Count),
                c.Where(x => x.State == ItemState.Failed).Sum(x => x.Count), c.Where(x => x.State == ItemState.Retrieving).Sum(x => x.Count),
                c.Where(x => x.Validation == ItemValidation.Invalid).Sum(x => x.Count));
        }).ToList();
    }

    /// <summary>One page of a robot's items, optionally only those with a problem (invalid or failed).</summary>
    public async Task<(IReadOnlyList<RobotItem> Items, int Total)> ItemsAsync(RobotUser user, long robotId, bool problemsOnly, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RequireVisibleAsync(db, user, robotId, ct);
        var query = db.Set<RobotItem>().AsNoTracking().Where(i => i.RobotId == robotId);
        if (problemsOnly) query = query.Where(i => i.Validation == ItemValidation.Invalid || i.State == ItemState.Failed);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(i => i.Line).ThenBy(i => i.Id).Skip(skip).Take(take).ToListAsync(ct);
        return (items, total);
    }

    public async Task ApproveAsync(RobotUser user, long robotId, ScheduleWindow window, int concurrency, CancellationToken ct = default)
    {
        if (!user.IsAdmin) throw new RobotException(L["Only an administrator can approve a robot."]);
        if (concurrency is < 1 or > MaxConcurrency) throw new RobotException(L["Concurrency must be between 1 and {0}.", MaxConcurrency]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = await RequireVisibleAsync(db, user, robotId, ct);
        if (robot.Status != RobotStatus.AwaitingApproval) throw new RobotException(L["The robot is {0}, not waiting for approval.", StatusText(robot.Status)]);
        var notValid = await db.Set<RobotItem>().CountAsync(i => i.RobotId == robotId && i.Validation != ItemValidation.Valid, ct);
        if (notValid > 0)
        {
            // The first one's reason, so the admin knows where to start without opening the list.
            var first = await db.Set<RobotItem>().Where(i => i.RobotId == robotId && i.Validation != ItemValidation.Valid).OrderBy(i => i.Line)
                .Select(i => new { i.Line, i.ValidationMessage }).FirstAsync(ct);
            throw new RobotException(L["{0} item(s) are not valid (line {1}: {2}). Fix or drop them before approving.", notValid, first.Line,
                first.ValidationMessage ?? L["not validated yet"]]);
        }
        robot.Status = RobotStatus.Active;
        robot.WindowStart = window.Start;
        robot.WindowStop = window.Stop;
        robot.Concurrency = concurrency;
        robot.ApprovedAt = clock.GetUtcNow().UtcDateTime;
        robot.ApprovedBy = user.Name;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(user.Actor, "robot.approve", $"robot:{robotId}", $"window {window}, concurrency {concurrency}", ct: ct);
        Changed(robot);
        runner.Kick();
    }

    /// <summary>Removes an item before the robot runs (admins, for items that cannot be made valid).</summary>
    public async Task DropItemAsync(RobotUser user, long itemId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (robot, item) = await RequireEditableItemAsync(db, user, itemId, ct);
        db.Remove(item);
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(user.Actor, "robot.item.drop", $"robot:{robot.Id}", $"line {item.Line}: {item.PatientId} {item.StudyInstanceUid}", ct: ct);
        Changed(robot);
    }

    /// <summary>Sets the UIDs of an invalid item (the admin picked the right study) and validates it again at once.</summary>
    public async Task FixItemAsync(RobotUser user, long itemId, string studyUid, string seriesUid, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (robot, item) = await RequireEditableItemAsync(db, user, itemId, ct);
        if (!IsUid(studyUid) || (seriesUid.Trim() != "" && !IsUid(seriesUid))) throw new RobotException(L["Enter a valid Study (and optionally Series) Instance UID: digits and dots."]);
        item.StudyInstanceUid = studyUid.Trim();
        item.SeriesInstanceUid = seriesUid.Trim();
        item.Validation = ItemValidation.Unchecked;
        item.ValidationMessage = null;
        item.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(user.Actor, "robot.item.fix", $"robot:{robot.Id}", $"line {item.Line}: study {item.StudyInstanceUid}", ct: ct);
        await runner.ValidateItemAsync(item.Id, ct);
        Changed(robot);
    }

    public Task PauseAsync(RobotUser user, long robotId, CancellationToken ct = default)
        => TransitionAsync(user, robotId, "robot.pause", r => r.Status == RobotStatus.Active, RobotStatus.Paused, ct);

    public Task ResumeAsync(RobotUser user, long robotId, CancellationToken ct = default)
        => TransitionAsync(user, robotId, "robot.resume", r => r.Status == RobotStatus.Paused, RobotStatus.Active, ct);

    /// <summary>Stops the robot for good: running moves are cancelled in Orthanc, pending items stay pending.</summary>
    public async Task CancelAsync(RobotUser user, long robotId, CancellationToken ct = default)
    {
        await TransitionAsync(user, robotId, "robot.cancel", r => r.Status is not (RobotStatus.Completed or RobotStatus.Cancelled), RobotStatus.Cancelled, ct);
        await runner.StopRobotAsync(robotId);
    }

    public async Task DeleteAsync(RobotUser user, long robotId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = await RequireVisibleAsync(db, user, robotId, ct);
        // Stop first, so no worker writes to the items while they are deleted.
        await runner.StopRobotAsync(robotId);
        await db.Set<RobotItem>().Where(i => i.RobotId == robotId).ExecuteDeleteAsync(ct);
        await db.Set<Robot>().Where(r => r.Id == robotId).ExecuteDeleteAsync(ct);
        await audit.WriteAsync(user.Actor, "robot.delete", $"robot:{robotId}", robot.ProjectName, ct: ct);
        Changed(robot);
    }

    public static string Describe(RobotStatus status) => status switch
    {
        RobotStatus.Validating => "validating",
        RobotStatus.AwaitingApproval => "waiting for approval",
        RobotStatus.Active => "active",
        RobotStatus.Paused => "paused",
        RobotStatus.Completed => "completed",
        _ => "cancelled",
    };

    /// <summary>The status as a word of the user's language, for sentences shown on pages.</summary>
    private string StatusText(RobotStatus status) => status switch
    {
        RobotStatus.Validating => L["validating"],
        RobotStatus.AwaitingApproval => L["waiting for approval"],
        RobotStatus.Active => L["active"],
        RobotStatus.Paused => L["paused"],
        RobotStatus.Completed => L["completed"],
        _ => L["cancelled"],
    };

    /// <summary>An active robot outside its window is waiting, and says when it goes on.</summary>
    public static string Describe(RobotStatus status, ScheduleWindow window, DateTimeOffset now, TimeZoneInfo zone)
        => status == RobotStatus.Active && window.OpensText(now, zone) is { } opens ? $"waiting for its window, which {opens}" : Describe(status);

    private async Task TransitionAsync(RobotUser user, long robotId, string action, Func<Robot, bool> allowed, RobotStatus to, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = await RequireVisibleAsync(db, user, robotId, ct);
        if (!allowed(robot)) throw new RobotException(L["The robot is {0}.", StatusText(robot.Status)]);
        robot.Status = to;
        if (to == RobotStatus.Cancelled) robot.FinishedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(user.Actor, action, $"robot:{robotId}", robot.ProjectName, ct: ct);
        Changed(robot);
        runner.Kick();
    }

    private async Task<Robot> RequireVisibleAsync(PortalDbContext db, RobotUser user, long robotId, CancellationToken ct)
    {
        var robot = await db.Set<Robot>().FirstOrDefaultAsync(r => r.Id == robotId, ct);
        // Someone else's robot looks the same as a missing one, so ids reveal nothing.
        if (robot is null || (!user.IsAdmin && robot.OwnerId != user.Id)) throw new RobotException(L["The robot does not exist (any more)."]);
        return robot;
    }

    private async Task<(Robot, RobotItem)> RequireEditableItemAsync(PortalDbContext db, RobotUser user, long itemId, CancellationToken ct)
    {
        if (!user.IsAdmin) throw new RobotException(L["Only an administrator can change items."]);
        var item = await db.Set<RobotItem>().FirstOrDefaultAsync(i => i.Id == itemId, ct) ?? throw new RobotException(L["The item does not exist (any more)."]);
        var robot = await RequireVisibleAsync(db, user, item.RobotId, ct);
        if (robot.Status is not (RobotStatus.AwaitingApproval or RobotStatus.Validating)) throw new RobotException(L["Items can only be changed before approval."]);
        return (robot, item);
    }

    private static bool IsUid(string uid) => uid.Trim() is { Length: > 0 and <= 64 } t && t.All(c => char.IsAsciiDigit(c) || c == '.');

    private void Changed(Robot robot) => notifier.Publish(new RobotChanged(robot.Id, robot.OwnerId));
}
