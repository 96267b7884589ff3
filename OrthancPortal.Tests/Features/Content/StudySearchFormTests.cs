using AngleSharp.Dom;
using Bunit;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Content.Pages;

namespace OrthancPortal.Tests.Features.Content;

/// <summary>The study list's filter row: what it writes into the query and when it asks the list to search.</summary>
public sealed class StudySearchFormTests : OrthancPortal.Tests.Components.PortalComponentTest, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private int searches;
    private readonly TaskCompletionSource searched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IRenderedComponent<StudySearchForm> RenderWith(StudyQuery query)
        => Render<StudySearchForm>(p => p.Add(f => f.Query, query).Add(f => f.OnSearch, () => { searches++; searched.TrySetResult(); }));

    private static IElement Input(IRenderedComponent<StudySearchForm> form, string test)
    {
        var element = form.Find($"[data-test={test}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public void Clear_empties_every_filter_and_searches_once()
    {
        var query = new StudyQuery
        {
            PatientName = "anna", PatientId = "P1", AccessionNumber = "A1", StudyDescription = "CT Thorax",
            Modalities = ["CT"], Labels = ["research"], From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 1, 31),
        };
        var form = RenderWith(query);

        form.Find("[data-test=clear]").Click();

        query.PatientName.ShouldBeNull();
        query.PatientId.ShouldBeNull();
        query.AccessionNumber.ShouldBeNull();
        query.StudyDescription.ShouldBeNull();
        query.Modalities.ShouldBeEmpty();
        query.Labels.ShouldBeEmpty();
        query.From.ShouldBeNull();
        query.To.ShouldBeNull();
        searches.ShouldBe(1);
    }

    [Fact]
    public async Task Label_names_typed_are_split_at_commas_and_spaces_and_searched_after_a_pause()
    {
        var query = new StudyQuery();
        var form = RenderWith(query);

        Input(form, "q-labels").Input("research,  teaching x");

        // The field searches once the typing pauses (its debounce), with the names split.
        await searched.Task.WaitAsync(Patience);
        searches.ShouldBe(1);
        query.Labels.ShouldBe(["research", "teaching", "x"]);
    }

    [Fact]
    public void What_the_query_holds_is_shown_in_the_fields()
    {
        var form = RenderWith(new StudyQuery { PatientName = "anna", AccessionNumber = "A1", Labels = ["a", "b"] });
        Input(form, "q-name").GetAttribute("value").ShouldBe("anna");
        Input(form, "q-accession").GetAttribute("value").ShouldBe("A1");
        Input(form, "q-labels").GetAttribute("value").ShouldBe("a, b");
    }

    [Fact]
    public void Submitting_the_form_searches()
    {
        var form = RenderWith(new StudyQuery { PatientName = "anna" });
        form.Find("form").Submit();
        searches.ShouldBe(1);
    }
}
