using OrthancPortal.Features.Automation;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Features.Automation;

public sealed class PathSanitizerTests
{
    [Theory]
    [InlineData("../../etc", "____etc")]
    [InlineData("..", "_")]
    [InlineData("a/b\\c", "a_b_c")]
    [InlineData("nul\0here", "nul_here")]
    [InlineData("tab\there\n", "tab_here")]
    [InlineData(".hidden", "hidden")]
    [InlineData("  ", "NONE")]
    [InlineData("Müller", "Müller")]
    [InlineData("a....b", "a__b")]
    public void Replaces_what_could_escape_or_break_a_path(string value, string expected) => PathSanitizer.Segment(value).ShouldBe(expected);

    [Fact]
    public void Caps_the_length() => PathSanitizer.Segment(new string('x', 500)).Length.ShouldBe(PathSanitizer.MaxSegmentLength);

    [Fact]
    public void Combine_refuses_a_path_outside_the_root()
    {
        Should.Throw<InvalidOperationException>(() => PathSanitizer.Combine("/srv/out", "..", "etc"));
        PathSanitizer.Combine("/srv/out", "rule", "x").ShouldBe("/srv/out/rule/x");
        Should.Throw<InvalidOperationException>(() => PathSanitizer.EnsureInside("/srv/out", "/srv/outside"));
    }

    [Fact]
    public void The_download_folder_follows_autorthancs_layout_with_hostile_values_made_safe()
    {
        var study = new OrthancStudy("s", "p", new Dictionary<string, string> { ["StudyID"] = "42" },
            new Dictionary<string, string> { ["PatientID"] = "P/1", ["PatientName"] = "../../etc^x" }, [], true, null);
        var series = new OrthancSeries("se", "s", new Dictionary<string, string> { ["SeriesNumber"] = "3", ["SeriesDate"] = "20240101", ["SeriesInstanceUID"] = "1.2.3" }, [], true, null, null, null);
        DownloadLayout.FolderName(study, null).ShouldBe("P_1-____etc-EX42");
        DownloadLayout.FolderName(study, series).ShouldBe("P_1-____etc-EX42-SE3");
        DownloadLayout.SeriesFolderName(series).ShouldBe("SE3-20240101-1.2.3");
        var missing = study with { MainDicomTags = new Dictionary<string, string>(), PatientMainDicomTags = new Dictionary<string, string>() };
        DownloadLayout.FolderName(missing, null).ShouldBe("NONE-NONE-EXNONE");
    }
}
