using Microsoft.AspNetCore.Components;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Baskets.Pages;

/// <summary>
/// A behaviour without markup: follows one task through <see cref="LiveNotifier"/> and hands each change to the
/// page, which renders the progress. <see cref="LiveComponent"/> reads the task once right after subscribing, so a task
/// that moved on before the subscription existed is reported too.
/// </summary>
public sealed class TaskWatcher : LiveComponent
{
    [Inject] private TaskQueue Queue { get; set; } = default!;
    [Parameter, EditorRequired] public long TaskId { get; set; }
    [Parameter] public EventCallback<PortalTask> Changed { get; set; }

    protected override void Subscribe() => RefreshOn<TaskChanged>(c => c.Id == TaskId);

    protected override async Task RefreshAsync()
    {
        if (await Queue.GetAsync(TaskId) is { } task) await Changed.InvokeAsync(task);
    }
}
