using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Tests.Features.Tasks;

public sealed class TaskLinksTests
{
    private const string StudyA = "6b9e19d9-62094390-5f9ddb01-4a191ae7-9766b715";
    private const string StudyB = "0a9b3153-67a7f0e9-f7f8a9a5-8b8f2c6a-1e5c4d3b";

    [Fact]
    public void A_finished_retrieve_links_to_the_study_it_made()
    {
        var links = TaskLinks.For(new PortalTask { Type = "qr.retrieve", State = PortalTaskState.Succeeded, Result = StudyA, Payload = "{\"StudyUid\":\"1.2.3\"}" });
        links.ShouldHaveSingleItem().ShouldBe(new TaskLink("Retrieved study", $"content/studies/{StudyA}", true));
    }

    [Fact]
    public void A_modification_links_back_to_the_original_and_to_the_copy_at_their_levels()
    {
        var links = TaskLinks.For(new PortalTask
        {
            Type = "content.modify", State = PortalTaskState.Succeeded,
            Payload = $"{{\"Level\":2,\"Id\":\"{StudyA}\",\"Changes\":{{}}}}", Result = $"{{\"ID\":\"{StudyB}\",\"Level\":\"Series\"}}",
        });
        links.ShouldBe([new TaskLink("Original", $"content/series/{StudyA}", false), new TaskLink("Modified copy", $"content/series/{StudyB}", true)]);
    }

    [Fact]
    public void An_anonymization_links_to_each_copy_and_back_to_each_original()
    {
        var links = TaskLinks.For(new PortalTask
        {
            Type = "anonymize", State = PortalTaskState.Succeeded,
            Payload = $"{{\"ProfileId\":\"default\",\"Items\":[{{\"Level\":\"Patient\",\"OrthancId\":\"{StudyA}\",\"Label\":\"Müller, Jürgen\"}}]}}",
            Result = $"[{{\"OriginalId\":\"{StudyA}\",\"Label\":\"Müller, Jürgen\",\"AnonymizedStudyId\":\"{StudyB}\",\"Error\":null}}]",
        });
        links.ShouldBe([new TaskLink("Müller, Jürgen", $"content/studies/{StudyB}", true), new TaskLink("Müller, Jürgen", $"content/patients/{StudyA}", false)]);
    }

    [Fact]
    public void Unknown_types_broken_json_and_ids_that_are_not_Orthanc_ids_give_no_links()
    {
        TaskLinks.For(new PortalTask { Type = "export", Payload = "{}" }).ShouldBeEmpty();
        TaskLinks.For(new PortalTask { Type = "content.modify", Payload = "{not json" }).ShouldBeEmpty();
        TaskLinks.For(new PortalTask { Type = "qr.retrieve", State = PortalTaskState.Succeeded, Result = "../../admin" }).ShouldBeEmpty();
        TaskLinks.For(new PortalTask { Type = "qr.retrieve", State = PortalTaskState.Failed, Result = StudyA }).ShouldBeEmpty();
    }
}
