using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Queued: waiting for the worker. Preparing: media being made. Submitted: the request is in the monitored folder.
/// InProgress/Paused/Done/Error: what the disc software says (.INP/.STP/.DON/.ERR). Failed: the portal could not
/// make the request. Stalled: the disc software has not answered in time. Cancelled: stopped by a user.
/// </summary>
public enum BurnerJobState { Queued, Preparing, Submitted, InProgress, Paused, Stalled, Done, Error, Failed, Cancelled }

public enum BurnTrigger { Auto, Manual }

/// <summary>One disc: the studies on it, its label fields, and where its request stands.</summary>
public sealed class BurnerJob
{
    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as BurnerJob)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public BurnTrigger Trigger { get; set; }
    public string RequestedBy { get; set; } = "";
    public string PatientOrthancId { get; set; } = "";
    /// <summary>Orthanc study ids on this disc, comma separated (in study date order).</summary>
    public string StudyOrthancIds { get; set; } = "";
    public string PatientName { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string StudySummary { get; set; } = "";
    public int StudyCount { get; set; }
    public DiscProducer Manufacturer { get; set; }
    /// <summary>CD or DVD once decided (Auto is resolved when the data size is known).</summary>
    public string DiscType { get; set; } = "";
    public BurnerJobState State { get; set; }
    public string? Detail { get; set; }
    /// <summary>The request's base name (CD_...) in the monitored folder, without extension.</summary>
    public string? RequestName { get; set; }
    public string? RequestFolder { get; set; }
    public string? JobFolder { get; set; }
    public long SizeBytes { get; set; }
    public DateTime? SubmittedAt { get; set; }
    /// <summary>The last time the disc software changed the request (used to detect a stall).</summary>
    public DateTime? LastSignalAt { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>
    /// The UI language of the user who queued the job, or English for the automatic trigger: the queue and the status
    /// monitor write <see cref="Detail"/> in it (null on older rows = English).
    /// </summary>
    public string? Culture { get; set; }
    public bool DeletedFromOrthanc { get; set; }

    public IReadOnlyList<string> StudyIds => StudyOrthancIds.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool IsFinal => State is BurnerJobState.Done or BurnerJobState.Error or BurnerJobState.Failed or BurnerJobState.Cancelled;

    /// <summary>Waiting for the disc software: its request file is the source of truth.</summary>
    public bool IsWithDiscSoftware => State is BurnerJobState.Submitted or BurnerJobState.InProgress or BurnerJobState.Paused or BurnerJobState.Stalled;

    internal sealed class Configuration : IEntityTypeConfiguration<BurnerJob>
    {
        public void Configure(EntityTypeBuilder<BurnerJob> e)
        {
            e.ToTable("BurnerJobs");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(8);
            e.Property(x => x.Manufacturer).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Culture).HasMaxLength(16);
            e.HasIndex(x => x.State);
            e.HasIndex(x => x.CreatedAt);
            e.HasIndex(x => x.RequestName);
        }
    }
}

/// <summary>A study that went into a burn job, so the automatic trigger never burns it twice.</summary>
public sealed class BurnedStudy
{
    public string StudyOrthancId { get; set; } = "";
    public long JobId { get; set; }
    public DateTime At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<BurnedStudy>
    {
        public void Configure(EntityTypeBuilder<BurnedStudy> e)
        {
            e.ToTable("BurnedStudies");
            e.HasKey(x => x.StudyOrthancId);
        }
    }
}

/// <summary>Published whenever a job is created or changes state, for the monitor page.</summary>
public sealed record BurnerJobChanged(long JobId, BurnerJobState State);

/// <summary>Published when the service is started or stopped.</summary>
public sealed record BurnerServiceChanged(bool Running);
