using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OrthancPortal.Infrastructure.Database;

namespace OrthancPortal.Features.Robots;

public enum RobotStatus { Validating, AwaitingApproval, Active, Paused, Completed, Cancelled }

public enum ItemValidation { Unchecked, Valid, Invalid }

public enum ItemState { Pending, Retrieving, Retrieved, Failed }

/// <summary>An auto-retrieve robot: a project's list of studies to move from a remote PACS, approved by an admin.</summary>
public sealed class Robot
{
    public long Id { get; set; }
    public string ProjectName { get; set; } = "";
    public string? OwnerId { get; set; }
    public string OwnerName { get; set; } = "";
    public RobotStatus Status { get; set; }
    public TimeOnly WindowStart { get; set; } = new(22, 0);
    public TimeOnly WindowStop { get; set; } = new(6, 0);
    /// <summary>How many retrieves run at once.</summary>
    public int Concurrency { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? FinishedAt { get; set; }

    public ScheduleWindow Window => new(WindowStart, WindowStop);

    internal sealed class Configuration : IEntityTypeConfiguration<Robot>
    {
        public void Configure(EntityTypeBuilder<Robot> e)
        {
            e.ToTable("Robots");
            e.Property(x => x.ProjectName).HasMaxLength(128);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(24);
            e.HasIndex(x => x.Status);
            e.HasIndex(x => x.OwnerId);
            e.Ignore(x => x.Window);
        }
    }
}

/// <summary>One study (or series) of a robot: what the row asked for, what validation found, and how its retrieve went.</summary>
public sealed class RobotItem
{
    public long Id { get; set; }
    // Equal by id, so a live grid keeps a refreshed row (see RowIdentity).
    public override bool Equals(object? obj) => RowIdentity.SameRow(this, obj, Id, (obj as RobotItem)?.Id);
    public override int GetHashCode() => Id.GetHashCode();
    public long RobotId { get; set; }
    /// <summary>The row of the query list (or CSV line) it came from, so people can find it.</summary>
    public int Line { get; set; }
    /// <summary>The Orthanc modality it is retrieved from.</summary>
    public string Modality { get; set; } = "";
    public string PatientName { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string AccessionNumber { get; set; } = "";
    public DateOnly? DateFrom { get; set; }
    public DateOnly? DateTo { get; set; }
    public string StudyDescription { get; set; } = "";
    public string Modalities { get; set; } = "";
    public string StudyInstanceUid { get; set; } = "";
    public string SeriesInstanceUid { get; set; } = "";
    public ItemValidation Validation { get; set; }
    public string? ValidationMessage { get; set; }
    /// <summary>What the remote said about the study at validation (name, date, description), for the approver.</summary>
    public string? Found { get; set; }
    public ItemState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>The Orthanc job of the running move: a restart follows it instead of moving again.</summary>
    public string? JobId { get; set; }
    public string? LocalStudyId { get; set; }
    public DateTime UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<RobotItem>
    {
        public void Configure(EntityTypeBuilder<RobotItem> e)
        {
            e.ToTable("RobotItems");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Validation).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Modality).HasMaxLength(64);
            e.Property(x => x.StudyInstanceUid).HasMaxLength(64);
            e.Property(x => x.SeriesInstanceUid).HasMaxLength(64);
            e.HasOne<Robot>().WithMany().HasForeignKey(x => x.RobotId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.RobotId, x.State });
            e.HasIndex(x => new { x.RobotId, x.Line });
        }
    }
}

/// <summary>Published whenever a robot or one of its items changes; pages filter by owner.</summary>
public sealed record RobotChanged(long RobotId, string? OwnerId);
