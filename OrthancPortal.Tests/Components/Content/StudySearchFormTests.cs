using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Content.Pages;

namespace OrthancPortal.Tests.Components.Content;

/// <summary>
/// The study filters: typed text is in the query at once and searches after a pause; Search (or Enter) searches at once
/// and drops the search still waiting, so one press gives one search with what was typed.
/// </summary>
public sealed class StudySearchFormTests : PortalComponentTest
{

    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-12-02T09:00:00Z"));
    private readonly StudyQuery query = new();
    private int searches;
    private readonly List<string?> searchedNames = [];

    public StudySearchFormTests() => Services.AddSingleton<TimeProvider>(clock);

    private IRenderedComponent<StudySearchForm> RenderForm() => Render<StudySearchForm>(p => p
        .Add(f => f.Query, query)
        .Add(f => f.OnSearch, () => { searches++; searchedNames.Add(query.PatientName); }));

    [Fact]
    public void Typing_searches_once_after_a_pause_with_the_whole_text()
    {
        var form = RenderForm();
        var name = form.Find("input[data-test=q-name]");
        name.Input("mu");
        name.Input("muster");
        query.PatientName.ShouldBe("muster");

        clock.Advance(TimeSpan.FromMilliseconds(399));
        searches.ShouldBe(0);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        form.WaitForAssertion(() => searches.ShouldBe(1));
        searchedNames.ShouldBe(["muster"]);
    }

    [Fact]
    public void Search_pressed_right_after_typing_searches_the_typed_text_once()
    {
        var form = RenderForm();
        form.Find("input[data-test=q-name]").Input("muster");
        form.Find("form").Submit();
        searchedNames.ShouldBe(["muster"]);

        clock.Advance(TimeSpan.FromSeconds(2));
        searches.ShouldBe(1);
        form.Find("input[data-test=q-name]").GetAttribute("value").ShouldBe("muster");
    }

    [Fact]
    public void Labels_are_split_as_typed_and_cleared_with_the_other_filters()
    {
        var form = RenderForm();
        form.Find("input[data-test=q-labels]").Input("research, teaching ");
        query.Labels.ShouldBe(["research", "teaching"]);

        form.Find("[data-test=clear]").Click();
        query.Labels.ShouldBeEmpty();
        form.Find("input[data-test=q-labels]").GetAttribute("value").ShouldBeNullOrEmpty();
        searches.ShouldBe(1);
    }

    [Fact]
    public void Clear_empties_every_filter_and_searches_once()
    {
        query.PatientName = "anna"; query.PatientId = "P1"; query.AccessionNumber = "A1"; query.StudyDescription = "CT Thorax";
        query.Modalities = ["CT"]; query.Labels = ["research"]; query.From = new DateOnly(2026, 1, 1); query.To = new DateOnly(2026, 1, 31);
        var form = RenderForm();

        form.Find("[data-test=clear]").Click();

        (query.PatientName, query.PatientId, query.AccessionNumber, query.StudyDescription, query.From, query.To).ShouldBe((null, null, null, null, null, null));
        query.Modalities.ShouldBeEmpty();
        query.Labels.ShouldBeEmpty();
        searches.ShouldBe(1);
    }

    [Fact]
    public void What_the_query_holds_is_shown_in_the_fields()
    {
        query.PatientName = "anna"; query.AccessionNumber = "A1"; query.Labels = ["a", "b"];
        var form = RenderForm();
        form.Find("input[data-test=q-name]").GetAttribute("value").ShouldBe("anna");
        form.Find("input[data-test=q-accession]").GetAttribute("value").ShouldBe("A1");
        form.Find("input[data-test=q-labels]").GetAttribute("value").ShouldBe("a, b");
    }
}
