using Microsoft.AspNetCore.Components;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Infrastructure.Live;

namespace OrthancPortal.Features.Baskets.Pages;

/// <summary>
/// A behaviour without markup: follows one task through <see cref="LiveNotifier"/> and hands each change to the
/// page, which renders the progress. Subscribes after the first render and disposes with the page.
/// </summary>
public sealed class TaskWatcher : ComponentBase, IDisposable
{
    [Inject] private LiveNotifier Notifier { get; set; } = default!;
    [Inject] private TaskQueue Queue { get; set; } = default!;
    [Parameter, EditorRequired] public long TaskId { get; set; }
    [Parameter] public EventCallback<PortalTask> Changed { get; set; }
    private IDisposable? subscription;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        subscription = Notifier.Subscribe<TaskChanged>(c => c.Id != TaskId ? Task.CompletedTask : InvokeAsync(RefreshAsync));
        // The task may have moved on before the subscription existed.
        await InvokeAsync(RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        try
        {
            if (await Queue.GetAsync(TaskId) is { } task) await Changed.InvokeAsync(task);
        }
        catch (Exception ex) { await DispatchExceptionAsync(ex); }
    }

    public void Dispose() => subscription?.Dispose();
}
