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
    private readonly List<IDisposable> subscriptions = [];
    private readonly SemaphoreSlim activityGate = new(1, 1);
    private int activityPending;

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthState).User;
        recentAllowed = user.HasClaim(Access.Permissions.ClaimType, Access.Permissions.ViewContent);
        health = Monitor.Current;
        disk = await Dashboard.GetDiskAsync();
        activity = await Dashboard.GetActivityAsync(user);
        await LoadRecentAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        subscriptions.Add(Notifier.Subscribe<OrthancHealth>(h => InvokeAsync(async () => await OnHealthAsync(h))));
        subscriptions.Add(Notifier.Subscribe<TaskChanged>(OnTaskChangedAsync));
        subscriptions.Add(Notifier.Subscribe<BurnerJobChanged>(_ => RefreshActivityAsync()));
        subscriptions.Add(Notifier.Subscribe<BurnerServiceChanged>(_ => RefreshActivityAsync()));
        subscriptions.Add(Notifier.Subscribe<RobotChanged>(_ => RefreshActivityAsync()));
        if (health is null && Monitor.Current is { } current) _ = InvokeAsync(async () => await OnHealthAsync(current));
    }

    private async Task OnHealthAsync(OrthancHealth h)
    {
        health = h;
        disk = await Dashboard.GetDiskAsync();
        // New studies (or Orthanc coming back) change the list; a health beat without new counts does not.
        if (h.Statistics?.CountStudies != recentForCount || recentError is not null) await LoadRecentAsync();
        StateHasChanged();
    }

    // A running task reports progress many times; only a change of state changes the counts.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, PortalTaskState> taskStates = new();

    private Task OnTaskChangedAsync(TaskChanged c)
    {
        var previous = taskStates.TryGetValue(c.Id, out var known) ? known : (PortalTaskState?)null;
        if (c.State is PortalTaskState.Running or PortalTaskState.Queued) taskStates[c.Id] = c.State; else taskStates.TryRemove(c.Id, out _);
        return previous == c.State ? Task.CompletedTask : RefreshActivityAsync();
    }

    /// <summary>Progress events come many a second; one reload runs at a time and a burst during it gives one more.</summary>
    private async Task RefreshActivityAsync()
    {
        if (Interlocked.Exchange(ref activityPending, 1) == 1) return;
        await activityGate.WaitAsync();
        try
        {
            Interlocked.Exchange(ref activityPending, 0);
            var next = await Dashboard.GetActivityAsync(user);
            await InvokeAsync(() => { activity = next; StateHasChanged(); });
        }
        catch (ObjectDisposedException) { }
        finally
        {
            try { activityGate.Release(); } catch (ObjectDisposedException) { }
        }
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

    public void Dispose()
    {
        foreach (var s in subscriptions) s.Dispose();
        activityGate.Dispose();
    }
}
