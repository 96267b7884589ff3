namespace OrthancPortal.Components.Ui;

/// <summary>Runs an action once calls have stopped for a while, e.g. a filter after the user stops typing.</summary>
public sealed class Debouncer(TimeSpan delay, TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider time = time ?? TimeProvider.System;
    private CancellationTokenSource? pending;

    /// <summary>Waits the delay, then runs the action unless another call came in meanwhile. Returns whether it ran.</summary>
    public async Task<bool> RunAsync(Func<Task> action)
    {
        Cancel();
        var cts = pending = new CancellationTokenSource();
        try
        {
            await Task.Delay(delay, time, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        await action();
        return true;
    }

    /// <summary>Drops a pending run, e.g. when Enter applies the filter at once.</summary>
    public void Cancel()
    {
        pending?.Cancel();
        pending?.Dispose();
        pending = null;
    }

    public void Dispose() => Cancel();
}
