using System.Globalization;
using Bunit;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Burner.Pages;
using OrthancPortal.Features.Content.Pages;
using OrthancPortal.Features.Tasks;
using OrthancPortal.Features.Tasks.Pages;

namespace OrthancPortal.Tests.Components.Polish;

/// <summary>The small state chips of the task and burner lists, and the content pages' load error: text, colour, German.</summary>
public sealed class StateBadgeTests : PortalComponentTest
{

    [Theory]
    [InlineData(PortalTaskState.Queued, "Queued", "default")]
    [InlineData(PortalTaskState.Running, "Running", "primary")]
    [InlineData(PortalTaskState.Succeeded, "Succeeded", "success")]
    [InlineData(PortalTaskState.Failed, "Failed", "error")]
    [InlineData(PortalTaskState.Cancelled, "Cancelled", "dark")]
    public void A_task_state_reads_as_a_word_in_its_colour(PortalTaskState state, string text, string color)
    {
        var chip = Render<TaskStateBadge>(p => p.Add(b => b.State, state)).Find("[data-test=task-state]");
        chip.TextContent.Trim().ShouldBe(text);
        chip.GetAttribute("data-state").ShouldBe(state.ToString());
        chip.ClassList.ShouldContain($"mud-chip-color-{color}");
    }

    [Theory]
    [InlineData(BurnerJobState.Submitted, "Sent to burner", "primary")]
    [InlineData(BurnerJobState.Stalled, "Stalled", "warning")]
    [InlineData(BurnerJobState.Done, "Done", "success")]
    [InlineData(BurnerJobState.Error, "Error", "error")]
    [InlineData(BurnerJobState.Cancelled, "Cancelled", "default")]
    public void A_burn_job_state_reads_as_a_word_in_its_colour(BurnerJobState state, string text, string color)
    {
        var chip = Render<BurnerStateBadge>(p => p.Add(b => b.State, state)).Find("[data-test=burner-job-state]");
        chip.TextContent.Trim().ShouldBe(text);
        chip.ClassList.ShouldContain($"mud-chip-color-{color}");
    }

    [Fact]
    public void In_German_the_states_are_German()
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            Render<TaskStateBadge>(p => p.Add(b => b.State, PortalTaskState.Failed)).Find("[data-test=task-state]").TextContent.Trim().ShouldBe("Fehlgeschlagen");
            Render<BurnerStateBadge>(p => p.Add(b => b.State, BurnerJobState.InProgress)).Find("[data-test=burner-job-state]").TextContent.Trim().ShouldNotBe("Burning");
        }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Fact]
    public void A_load_error_shows_the_reason_and_the_way_back_and_nothing_without_one()
    {
        Render<ResourceLoadError>(p => p.Add(e => e.Error, null)).Markup.Trim().ShouldBeEmpty();
        var shown = Render<ResourceLoadError>(p => p.Add(e => e.Error, "Orthanc answered 404: the study no longer exists."));
        shown.Find("[data-test=load-error]").TextContent.ShouldContain("Orthanc answered 404: the study no longer exists.");
        shown.Find("[data-test=load-error] a").GetAttribute("href").ShouldBe("content/studies");
    }
}
