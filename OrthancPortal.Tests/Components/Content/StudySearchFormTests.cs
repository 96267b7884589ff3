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
public sealed class StudySearchFormTests : PortalComponentTest, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

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
}
