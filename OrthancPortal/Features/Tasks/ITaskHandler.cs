using System.Text.Json;
using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Tasks;

/// <summary>Does one type of task. Register with <c>services.AddTaskHandler&lt;T&gt;()</c>.</summary>
public interface ITaskHandler
{
    string Type { get; }

    /// <summary>
    /// True when a run that the portal's stop cut short may simply run again (using its checkpoint to skip
    /// finished work). False: such a task is marked failed with the reason after a restart.
    /// </summary>
    bool Resumable { get; }

    /// <summary>Does the work; returns a result text (often JSON) kept with the task.</summary>
    Task<string?> RunAsync(TaskRun run, CancellationToken ct);
}

/// <summary>How running work reports progress; it never talks to components directly.</summary>
public interface ITaskProgress
{
    /// <param name="fraction">0 to 1.</param>
    Task ReportAsync(double fraction, string? text = null);
}

/// <summary>What a handler gets for one run.</summary>
public sealed class TaskRun(PortalTask task, ITaskProgress progress, Func<string, Task> saveCheckpoint)
{
    public long TaskId => task.Id;
    public Actor Owner => new(task.OwnerId, task.OwnerName, null);
    public ITaskProgress Progress => progress;
    public int Attempt => task.Attempts;

    public T Payload<T>() => JsonSerializer.Deserialize<T>(task.Payload)
        ?? throw new InvalidOperationException($"Task {task.Id} has no payload.");

    public T? Checkpoint<T>() => task.Checkpoint is null ? default : JsonSerializer.Deserialize<T>(task.Checkpoint);

    public Task SaveCheckpointAsync<T>(T checkpoint) => saveCheckpoint(JsonSerializer.Serialize(checkpoint));
}

/// <summary>A failure whose message is meant for the user as it is (no stack trace, no type name).</summary>
public sealed class TaskFailedException(string reason) : Exception(reason);
