using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Features.Orthanc;

public sealed class TriggerSourcesRulesTests
{
    private static StudyOriginInfo Info(params OriginPart[] parts) => new(parts);

    public static TheoryData<StudyOrigin, string, bool> DefaultSources => new()
    {
        { StudyOrigin.ReceivedByDicom, "CT01", true },
        { StudyOrigin.Uploaded, "", false },
        { StudyOrigin.Retrieved, "REMOTEPACS", false },
        { StudyOrigin.Copy, "", false },
    };

    [Theory]
    [MemberData(nameof(DefaultSources))]
    public void By_default_only_studies_sent_by_DICOM_count(StudyOrigin origin, string aet, bool accepted)
        => new TriggerSources().Accepts(Info(new OriginPart(origin, aet))).ShouldBe(accepted);

    [Theory]
    [InlineData("CT01, US01", "us01", true)]
    [InlineData("CT01 US01", "MR01", false)]
    [InlineData("", "ANYTHING", true)]
    public void Calling_AETs_narrow_the_DICOM_source_ignoring_case(string aets, string caller, bool accepted)
        => new TriggerSources { CallingAets = aets }.Accepts(Info(new OriginPart(StudyOrigin.ReceivedByDicom, caller))).ShouldBe(accepted);

    [Fact]
    public void A_study_counts_when_any_series_came_from_a_taken_source_and_widening_takes_the_others()
    {
        var mixed = Info(new OriginPart(StudyOrigin.Retrieved, "REMOTEPACS"), new OriginPart(StudyOrigin.ReceivedByDicom, "CT01"));
        new TriggerSources().Accepts(mixed).ShouldBeTrue();
        new TriggerSources { ReceivedByDicom = false }.Accepts(mixed).ShouldBeFalse();
        new TriggerSources { ReceivedByDicom = false, Retrieved = true }.Accepts(mixed).ShouldBeTrue();
        new TriggerSources { Copies = true }.Accepts(Info(new OriginPart(StudyOrigin.Copy, ""))).ShouldBeTrue();
        new TriggerSources { Uploaded = true }.Accepts(Info(new OriginPart(StudyOrigin.Uploaded, ""))).ShouldBeTrue();
        new TriggerSources().Accepts(Info()).ShouldBeFalse("a study without instances has no source");
    }

    [Theory]
    [InlineData("CT01, US_02", null)]
    [InlineData("THIS-AET-IS-TOO-LONG", "is not an AE title")]
    [InlineData("CT01 ../x", "is not an AE title")]
    public void Calling_AETs_are_validated(string aets, string? problem)
    {
        var found = new TriggerSources { CallingAets = aets }.Problem();
        if (problem is null) found.ShouldBeNull();
        else found.ShouldNotBeNull().ShouldContain(problem);
    }

    [Fact]
    public void The_backoff_doubles_from_the_base_up_to_the_cap()
    {
        var options = new ChangeFeedOptions { RetryBaseSeconds = 2, RetryMaxSeconds = 600 };
        Enumerable.Range(1, 11).Select(n => options.Backoff(n).TotalSeconds).ShouldBe([2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
    }
}
