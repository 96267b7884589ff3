using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Tasks;

public enum PortalTaskState { Queued, Running, Succeeded, Failed, Cancelled }

/// <summary>A piece of long work, persisted so that a restart of the portal loses nothing.</summary>
public sealed class PortalTask
{
    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as PortalTask)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    public string Type { get; set; } = "";
    public string Title { get; set; } = "";
    public string? OwnerId { get; set; }
    public string OwnerName { get; set; } = "";
    public PortalTaskState State { get; set; }
    /// <summary>0 to 1.</summary>
    public double Progress { get; set; }
    public string? ProgressText { get; set; }
    public string Payload { get; set; } = "{}";
    /// <summary>What a resumable handler saved so far, so a resumed run skips finished work.</summary>
    public string? Checkpoint { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public int Attempts { get; set; }
    /// <summary>
    /// The UI language of the user who started the task (en-GB, de-DE), or English for automatic work: the handler
    /// runs under it, so its progress, error and result texts read in that user's language (null on older rows = English).
    /// </summary>
    public string? Culture { get; set; }
    /// <summary>
    /// The portal process (<c>PortalNode.Id</c>) that scheduled or runs this task. When that process dies, a live one
    /// takes the task over (<c>TaskQueue.TakeOverAsync</c>).
    /// </summary>
    public string? Node { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    public bool IsFinished => State is PortalTaskState.Succeeded or PortalTaskState.Failed or PortalTaskState.Cancelled;

    internal sealed class Configuration : IEntityTypeConfiguration<PortalTask>
    {
        public void Configure(EntityTypeBuilder<PortalTask> e)
        {
            e.ToTable("Tasks");
            e.Property(x => x.Type).HasMaxLength(64);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Node).HasMaxLength(100);
            e.Property(x => x.Culture).HasMaxLength(16);
            e.HasIndex(x => new { x.OwnerId, x.CreatedAt });
            e.HasIndex(x => x.State);
        }
    }
}

/// <summary>Asks whichever process runs the task to cancel it (the task runs on one process; the request may come from any).</summary>
public sealed record TaskCancelRequested(long Id);

/// <summary>Published on every state or progress change of a task.</summary>
public sealed record TaskChanged(long Id, string Type, string? OwnerId, PortalTaskState State, double Progress, string? ProgressText, string? Error);
