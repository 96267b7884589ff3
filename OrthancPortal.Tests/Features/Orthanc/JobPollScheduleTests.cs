using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Features.Orthanc;

/// <summary>The schedule <see cref="OrthancClient.WaitForJobAsync"/> looks at a job by: prompt for short jobs, cheap for long ones.</summary>
public sealed class JobPollScheduleTests
{
    /// <summary>The looks at a job that ends after <paramref name="runs"/>: how many, and how late the first one after its end is.</summary>
    private static (int Looks, TimeSpan Late) Follow(TimeSpan runs, TimeSpan cap)
    {
        var t = TimeSpan.Zero;
        var looks = 1;
        while (t < runs)
        {
            t += OrthancClient.NextPollDelay(t, cap);
            looks++;
        }
        return (looks, t - runs);
    }

    [Theory]
    [InlineData(5, 10)]
    [InlineData(50, 10)]
    [InlineData(195, 10)]
    [InlineData(300, 16)]
    [InlineData(2_000, 101)]
    public void A_short_job_is_seen_ended_within_a_twentieth_of_its_age_or_10_ms(int runsMs, int lateAtMostMs)
    {
        var (_, late) = Follow(TimeSpan.FromMilliseconds(runsMs), TimeSpan.FromMilliseconds(500));
        late.ShouldBeLessThanOrEqualTo(TimeSpan.FromMilliseconds(lateAtMostMs));
    }

    [Fact]
    public void A_long_job_is_looked_at_no_more_often_than_the_cap_after_the_first_seconds()
    {
        var cap = TimeSpan.FromMilliseconds(500);
        var (looks, late) = Follow(TimeSpan.FromHours(1), cap);
        // A fixed 500 ms poll makes 7,200 looks in an hour: the young job's quicker looks add about a hundred.
        looks.ShouldBeLessThan(7_200 + 110);
        late.ShouldBeLessThanOrEqualTo(cap);
    }

    [Fact]
    public void The_wait_grows_with_the_age_from_10_ms_up_to_the_cap()
    {
        var cap = TimeSpan.FromMilliseconds(100);
        OrthancClient.NextPollDelay(TimeSpan.Zero, cap).ShouldBe(TimeSpan.FromMilliseconds(10));
        OrthancClient.NextPollDelay(TimeSpan.FromMilliseconds(199), cap).ShouldBe(TimeSpan.FromMilliseconds(10));
        OrthancClient.NextPollDelay(TimeSpan.FromMilliseconds(800), cap).ShouldBe(TimeSpan.FromMilliseconds(40));
        OrthancClient.NextPollDelay(TimeSpan.FromSeconds(5), cap).ShouldBe(cap);
        // A cap below the shortest wait wins: whoever sets 5 ms gets 5 ms.
        OrthancClient.NextPollDelay(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)).ShouldBe(TimeSpan.FromMilliseconds(5));
    }
}
