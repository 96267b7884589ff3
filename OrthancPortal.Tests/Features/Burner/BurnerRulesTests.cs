using OrthancPortal.Features.Burner;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Burner;

public sealed class BurnerRulesTests
{
    private static readonly DateTime Now = new(2024, 2, 5, 10, 0, 0, DateTimeKind.Utc);

    private static BurnerJob Job(BurnerJobState state, DateTime? lastSignal = null, bool cancel = false) => new()
    {
        State = state, SubmittedAt = lastSignal ?? Now, LastSignalAt = lastSignal ?? Now, CancelRequested = cancel, RequestName = "CD_1",
    };

    [Theory]
    [InlineData(".INP", BurnerJobState.InProgress)]
    [InlineData(".STP", BurnerJobState.Paused)]
    [InlineData(".DON", BurnerJobState.Done)]
    [InlineData(".ERR", BurnerJobState.Error)]
    public void The_request_extension_gives_the_state(string extension, BurnerJobState expected)
    {
        DiscStatus.Decide(Job(BurnerJobState.Submitted), extension, Now, TimeSpan.FromMinutes(30))!.State.ShouldBe(expected);
    }

    [Fact]
    public void An_error_after_a_cancel_request_is_a_cancellation()
    {
        DiscStatus.Decide(Job(BurnerJobState.InProgress, cancel: true), ".ERR", Now, TimeSpan.FromMinutes(30))!.State.ShouldBe(BurnerJobState.Cancelled);
    }

    [Fact]
    public void An_untouched_request_becomes_stalled_after_the_stall_time_and_recovers_on_an_answer()
    {
        var stall = TimeSpan.FromMinutes(30);
        DiscStatus.Decide(Job(BurnerJobState.Submitted, Now.AddMinutes(-29)), ".JDF", Now, stall).ShouldBeNull();
        var stalled = DiscStatus.Decide(Job(BurnerJobState.Submitted, Now.AddMinutes(-31)), ".JDF", Now, stall)!;
        stalled.State.ShouldBe(BurnerJobState.Stalled);
        stalled.Detail.ShouldContain("not picked up");
        DiscStatus.Decide(Job(BurnerJobState.Stalled, Now.AddMinutes(-90)), ".INP", Now, stall)!.State.ShouldBe(BurnerJobState.InProgress);
        DiscStatus.Decide(Job(BurnerJobState.InProgress), ".INP", Now, stall).ShouldBeNull();
    }

    [Fact]
    public void Settings_refuse_a_missing_or_relative_folder_with_the_reason()
    {
        var validator = new BurnerSettings.Validator();
        var missing = validator.Validate(new BurnerSettings { MonitoredFolder = "/no/such/folder" });
        missing.IsValid.ShouldBeFalse();
        missing.Errors.ShouldContain(e => e.ErrorMessage.Contains("'/no/such/folder' does not exist"));
        validator.Validate(new BurnerSettings { MonitoredFolder = "relative/path" }).Errors.ShouldContain(e => e.ErrorMessage.Contains("not an absolute path"));
        validator.Validate(new BurnerSettings { MonitoredFolder = "/tmp", LabelDateFormat = "%" }).Errors.ShouldContain(e => e.ErrorMessage.Contains("date format"));
    }

    [Fact]
    public void Settings_refuse_a_folder_that_cannot_take_a_file()
    {
        // /proc refuses new files even for root, so this holds however the tests run.
        BurnerSettings.FolderProblem("/proc")!.ShouldContain("not writable");
        var folder = TestEnvironment.NewTempFolder("burner-ok");
        try
        {
            BurnerSettings.FolderProblem(folder).ShouldBeNull();
            new BurnerSettings.Validator().Validate(new BurnerSettings { MonitoredFolder = folder }).IsValid.ShouldBeTrue();
            Directory.EnumerateFileSystemEntries(folder).ShouldBeEmpty("the write probe cleans up after itself");
        }
        finally { TestEnvironment.DeleteQuietly(folder); }
    }

    [Theory]
    [InlineData(28)]   // ENOSPC (Linux)
    [InlineData(112)]  // ERROR_DISK_FULL (Windows share)
    public void A_full_disk_is_named_as_such(int errorCode)
    {
        BurnerQueue.Reason(new IOException("No space left on device", errorCode)).ShouldStartWith("The disk of the monitored folder is full");
    }

    [Fact]
    public void Other_failures_keep_their_own_reason()
    {
        BurnerQueue.Reason(new BurnerException("Monitored folder '/x' does not exist.")).ShouldBe("Monitored folder '/x' does not exist.");
        BurnerQueue.Reason(new UnauthorizedAccessException("denied")).ShouldBe("Could not write the job: denied");
    }
}
