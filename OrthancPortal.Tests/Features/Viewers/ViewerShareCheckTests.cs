using OrthancPortal.Features.Viewers;

namespace OrthancPortal.Tests.Features.Viewers;

/// <summary>The share check's refusals that need no Orthanc lookup: searches, permissions, downloads, other StudyInstanceUIDs.</summary>
public sealed class ViewerShareCheckTests
{
    private const string Shared = "1.2.3.4";
    private static readonly ViewerShare Share = new(1, "user1", new HashSet<string>(["0a1b2c3d-0a1b2c3d-0a1b2c3d-0a1b2c3d-0a1b2c3d"]), new HashSet<string>([Shared]), AllowDownload: false);

    [Theory]
    [InlineData("GET", "/dicom-web/studies?StudyInstanceUID=1.2.3.*", "a search through a share link must name shared StudyInstanceUIDs")]
    [InlineData("GET", "/dicom-web/studies?StudyInstanceUID=1.2.3.4,9.9", "a search through a share link must name shared StudyInstanceUIDs")]
    [InlineData("GET", "/dicom-web/series?StudyInstanceUID=9.9", "a search through a share link must name shared StudyInstanceUIDs")]
    [InlineData("GET", "/dicom-web/studies/9.9/metadata", "this study is not part of the share")]
    [InlineData("GET", "/dicom-web/studies/9.9/series/1.1/instances/2.2/frames/1", "this study is not part of the share")]
    [InlineData("GET", "/dicom-web/studies/1.2.3.4", ViewerShareCheck.NoDownloadReason)]
    [InlineData("GET", "/dicom-web/studies/1.2.3.4/series/1.1/instances/2.2", ViewerShareCheck.NoDownloadReason)]
    [InlineData("GET", "/wado?requestType=WADO&objectUID=2.2&contentType=application%2Fdicom", ViewerShareCheck.NoDownloadReason)]
    [InlineData("POST", "/dicom-web/studies", "a share link cannot use a route that needs the Import permission")]
    public async Task Refuses_without_asking_Orthanc(string method, string target, string reason)
    {
        var decision = ViewerRules.Decide(method, target, hasBody: false);
        decision.Refused.ShouldBeFalse(target);
        var checkedDecision = await ViewerShareCheck.CheckAsync(decision, Share, new ViewerStudyResolver(TimeProvider.System), null!, CancellationToken.None);
        checkedDecision.Status.ShouldBe(403, target);
        checkedDecision.Reason.ShouldBe(reason, target);
    }

    [Theory]
    [InlineData("/dicom-web/studies?StudyInstanceUID=1.2.3.4&includefield=00081030")]
    [InlineData("/web-viewer/app/viewer.html?series=x")]
    [InlineData("/web-viewer/libs/jquery.js")]
    // A key that is not a keyword never reaches Orthanc (ViewerRules drops it), so it cannot widen the search.
    [InlineData("/dicom-web/studies?StudyInstanceUID=1.2.3.4&0020000D=9.9")]
    public async Task Passes_searches_of_the_shared_study_and_viewer_files(string target)
    {
        var decision = ViewerRules.Decide("GET", target, hasBody: false);
        (await ViewerShareCheck.CheckAsync(decision, Share, new ViewerStudyResolver(TimeProvider.System), null!, CancellationToken.None)).Refused.ShouldBeFalse(target);
    }

    [Theory]
    [InlineData("/dicom-web/studies", "dicom-web/studies?StudyInstanceUID=1.2.3.4")]
    [InlineData("/dicom-web/studies?PatientName=*&limit=101", "dicom-web/studies?PatientName=*&limit=101&StudyInstanceUID=1.2.3.4")]
    [InlineData("/dicom-web/series?00100020=X&PatientID=X", "dicom-web/series?PatientID=X&StudyInstanceUID=1.2.3.4")]
    public async Task A_search_over_everything_sees_only_the_shared_studies(string target, string forwarded)
    {
        var decision = ViewerRules.Decide("GET", target, hasBody: false);
        (await ViewerShareCheck.CheckAsync(decision, Share, new ViewerStudyResolver(TimeProvider.System), null!, CancellationToken.None)).OrthancTarget.ShouldBe(forwarded);
    }
}
