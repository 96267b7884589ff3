using Bunit;
using MudBlazor;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Content.Pages;

namespace OrthancPortal.Tests.Components.Content;

/// <summary>The tag tree: sequences open and close (by button, so by keyboard), the filter picks top-level elements.</summary>
public sealed class TagTreeTests : PortalComponentTest
{
    private static TagNode Text(string tag, string name, string value) => new(tag, name, "String", value, []);

    /// <summary>A patient name, a study description, and a sequence of two items whose first holds a sequence of its own.</summary>
    private static readonly IReadOnlyList<TagNode> Tags =
    [
        Text("0008,1030", "StudyDescription", "CT Thorax"),
        new("0008,1140", "ReferencedImageSequence", "Sequence", null,
        [
            [Text("0008,1155", "ReferencedSOPInstanceUID", "1.2.3"), new("0040,a170", "PurposeOfReferenceCodeSequence", "Sequence", null, [[Text("0008,0100", "CodeValue", "121311")]])],
            [Text("0008,1155", "ReferencedSOPInstanceUID", "1.2.4")],
        ]),
        Text("0010,0010", "PatientName", "Muster^Anna"),
    ];

    [Fact]
    public void Rows_show_open_sequences_with_numbered_items_and_the_filter_picks_top_level_elements()
    {
        TagTreeRows.Flatten(Tags, new HashSet<string>()).Select(r => r.Key).ShouldBe(["0008,1030", "0008,1140", "0010,0010"]);

        var open = TagTreeRows.Flatten(Tags, new HashSet<string> { "0008,1140" });
        open.Select(r => (r.Key, r.Depth)).ShouldBe([
            ("0008,1030", 0), ("0008,1140", 0),
            ("0008,1140/1", 1), ("0008,1140/1/0008,1155", 2), ("0008,1140/1/0040,a170", 2),
            ("0008,1140/2", 1), ("0008,1140/2/0008,1155", 2),
            ("0010,0010", 0)]);
        open[2].Node.ShouldBeNull();
        open[2].ItemNumber.ShouldBe(1);

        TagTreeRows.AllSequences(Tags).Order().ShouldBe(["0008,1140", "0008,1140/1/0040,a170"]);
        TagTreeRows.Flatten(Tags, TagTreeRows.AllSequences(Tags)).ShouldContain(r => r.Key == "0008,1140/1/0040,a170/1/0008,0100" && r.Depth == 4);

        TagTreeRows.Flatten(Tags, new HashSet<string>(), "anna").Select(r => r.Key).ShouldBe(["0010,0010"]);
        TagTreeRows.Flatten(Tags, new HashSet<string>(), " studydesc ").Select(r => r.Key).ShouldBe(["0008,1030"]);
        TagTreeRows.Flatten(Tags, new HashSet<string>(), "0008,11").Select(r => r.Key).ShouldBe(["0008,1140"]);
    }

    [Fact]
    public void A_sequence_opens_and_closes_with_its_button_which_says_its_state()
    {
        var tree = Render<TagTree>(p => p.Add(t => t.Nodes, Tags));
        tree.FindAll("[data-test=tag-row]").Count.ShouldBe(3);
        tree.Find("[data-tag='0008,1140']").TextContent.ShouldContain("2 items");
        var toggle = tree.Find("[data-test=tag-toggle]");
        toggle.GetAttribute("aria-expanded").ShouldBe("false");
        toggle.GetAttribute("aria-label").ShouldBe("Open ReferencedImageSequence");

        toggle.Click();
        tree.FindAll("[data-test=tag-row]").Count.ShouldBe(6);
        tree.FindAll("tr.tag-item").Select(r => r.TextContent.Trim()).ShouldBe(["Item 1", "Item 2"]);
        tree.Find("[data-test=tag-toggle]").GetAttribute("aria-expanded").ShouldBe("true");

        tree.Find("[data-test=tags-open-all]").Click();
        tree.FindAll("[data-test=tag-row]").Count.ShouldBe(7);
        tree.Find("[data-test=tags-close-all]").Click();
        tree.FindAll("[data-test=tag-row]").Count.ShouldBe(3);
    }

    [Fact]
    public void A_filter_that_matches_nothing_says_so()
    {
        var tree = Render<TagTree>(p => p.Add(t => t.Nodes, Tags).Add(t => t.Filter, "nothing-like-this"));
        tree.FindAll("[data-test=tag-row]").ShouldBeEmpty();
        tree.Find("[data-test=no-tags]").TextContent.ShouldContain("nothing-like-this");
    }

    [Fact]
    public void A_patients_studies_are_newest_first_unless_sorted_and_paged()
    {
        StudyRow Row(string id, string date, string description) => new(id, "p", "Muster, Anna", "P1", "1965-03-12", date, description, "", 1, "1.2." + id);
        IReadOnlyList<StudyRow> rows = [Row("a", "2011-03-04", "Old MR"), Row("b", "2026-01-02", "New CT"), Row("c", "2020-05-06", "Mid US")];
        PatientStudies.Page(rows, new GridState<StudyRow> { Page = 0, PageSize = 10 }).Select(r => r.Id).ShouldBe(["b", "c", "a"]);
        PatientStudies.Page(rows, new GridState<StudyRow> { Page = 1, PageSize = 2 }).Select(r => r.Id).ShouldBe(["a"]);
        var byDescription = new GridState<StudyRow> { Page = 0, PageSize = 10, SortDefinitions = [new SortDefinition<StudyRow>(nameof(StudyRow.Description), false, 0, r => r.Description)] };
        PatientStudies.Page(rows, byDescription).Select(r => r.Id).ShouldBe(["c", "b", "a"]);
        var oldestFirst = new GridState<StudyRow> { Page = 0, PageSize = 10, SortDefinitions = [new SortDefinition<StudyRow>(nameof(StudyRow.StudyDate), false, 0, r => r.StudyDate)] };
        PatientStudies.Page(rows, oldestFirst).Select(r => r.Id).ShouldBe(["a", "c", "b"]);
    }
}
