using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OrthancPortal.Features.Admin;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Robots;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Home;

/// <summary>
/// The dashboard follows the monitors' events (Orthanc health, tasks, burner, robots) and reloads only the part an
/// event concerns; nothing here polls.
/// </summary>
public partial class HomePage
{
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private OrthancHealth? health;
    private DiskUsage? disk;
    private DashboardActivity? activity;
    private StudyResultPage? recent;
    private string? recentError;
    private bool recentAllowed;
    private long? recentForCount;
    private ClaimsPrincipal user = new();

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthState).User;
        recentAllowed = user.HasClaim(Access.Permissions.ClaimType, Access.Permissions.ViewContent);
        health = Monitor.Current;
        disk = await Dashboard.GetDiskAsync();
        activity = await Dashboard.GetActivityAsync(user);
        await LoadRecentAsync();
    }

    protected override void Subscribe()
    {
        On<OrthancHealth>(OnHealthAsync);
        RefreshOn<TaskChanged>(StateChanged);
        RefreshOn<BurnerJobChanged>();
        RefreshOn<BurnerServiceChanged>();
        RefreshOn<RobotChanged>();
    }

    /// <summary>Tasks, discs and robots: what moved on since the first load (LiveComponent runs one reload at a time, and a
    /// burst of progress during one gives one more). Health comes by message; only the first one may have been missed.</summary>
    protected override async Task RefreshAsync()
    {
        if (health is null && Monitor.Current is { } current) await OnHealthAsync(current);
        activity = await Dashboard.GetActivityAsync(user);
    }

    private async Task OnHealthAsync(OrthancHealth h)
    {
        health = h;
        disk = await Dashboard.GetDiskAsync();
        // New studies (or Orthanc coming back) change the list; a health beat without new counts does not.
        if (h.Statistics?.CountStudies != recentForCount || recentError is not null) await LoadRecentAsync();
    }

    // A running task reports progress many times; only a change of state changes the counts.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, PortalTaskState> taskStates = new();

    private bool StateChanged(TaskChanged c)
    {
        var previous = taskStates.TryGetValue(c.Id, out var known) ? known : (PortalTaskState?)null;
        if (c.State is PortalTaskState.Running or PortalTaskState.Queued) taskStates[c.Id] = c.State; else taskStates.TryRemove(c.Id, out _);
        return previous != c.State;
    }

    private async Task LoadRecentAsync()
    {
        if (!recentAllowed) return;
        try
        {
            recent = await Dashboard.GetRecentStudiesAsync(user);
            recentError = null;
            recentForCount = health?.Statistics?.CountStudies;
        }
        catch (OrthancException ex)
        {
            recentError = ex.Message;
        }
        catch (HttpRequestException ex)
        {
            recentError = ex.Message;
        }
    }

    private static double UsedPercent(DiskUsage d) => d.TotalBytes <= 0 ? 0 : 100.0 * (d.TotalBytes - d.FreeBytes) / d.TotalBytes;

    private string Name(StudyRow row) => row.PatientName.Length > 0 ? row.PatientName : L["(no name)"];

    private string Hint(OrthancFailure? failure) => failure switch
    {
        OrthancFailure.Refused => L["Check that Orthanc is running and that the URL's port is right."],
        OrthancFailure.Unauthorized => L["Check the user name and password in the Orthanc connection settings."],
        OrthancFailure.HostNotFound => L["Check the host name in the Orthanc connection settings."],
        OrthancFailure.Timeout => L["Orthanc or the network is slow or blocked."],
        OrthancFailure.NotOrthanc => L["The URL answers, but it is not Orthanc's REST API."],
        _ => "",
    };
}
