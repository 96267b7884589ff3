using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Automation;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Automation;

/// <summary>The rules grid's data: the portal's rules (database) and the rule files (snapshot) paged, sorted and filtered by RuleStore.</summary>
public sealed class RulesGridTests(AutomationFixture fixture) : IClassFixture<AutomationFixture>
{
    [Fact]
    public async Task Portal_rules_and_rule_files_are_paged_sorted_and_filtered_together_by_the_store()
    {
        // Inactive and matching nothing: they only fill the grid.
        for (var i = 1; i <= 30; i++)
        {
            var input = AutomationFixture.Rule($"grid-rule-{i:D2}", "never-matches-grid");
            input.IsActive = false;
            input.CheckOn = i % 3 == 0 ? CheckOn.Series : CheckOn.Study;
            input.Comment = i == 7 ? "the lucky one" : "";
            await fixture.CreateRuleAsync(input);
        }
        foreach (var name in new[] { "grid-file-b", "grid-file-a", "grid-file-c" })
        {
            await File.WriteAllTextAsync(Path.Combine(fixture.RulesFolder, $"{name}.json"),
                """{ "CheckOn": "Study", "IsActive": false, "Tags": [ { "TagName": "PatientID", "Level": "Patient", "Value": "never-matches-grid" } ], "Action": "DOWNLOAD" }""");
        }
        using var scope = fixture.Portal.Services.CreateScope();
        var rules = scope.ServiceProvider.GetRequiredService<RuleStore>();
        await TestEnvironment.WaitUntilAsync(async () => (await rules.PageAsync(new PageRequest(0, 100), "grid-file")).Total == 3,
            TimeSpan.FromSeconds(20), "the watcher reads the three rule files");

        // By name, ten at a time: the total is all 33, and the pages follow each other.
        var first = await rules.PageAsync(new PageRequest(0, 10, nameof(AutomationRule.Name)), "grid-");
        first.Total.ShouldBe(33);
        first.Items.Select(r => r.Name).ShouldBe(["grid-file-a", "grid-file-b", "grid-file-c", .. Enumerable.Range(1, 7).Select(i => $"grid-rule-{i:D2}")]);
        var second = await rules.PageAsync(new PageRequest(10, 10, nameof(AutomationRule.Name)), "grid-");
        second.Items.Select(r => r.Name).ShouldBe(Enumerable.Range(8, 10).Select(i => $"grid-rule-{i:D2}"));
        var last = await rules.PageAsync(new PageRequest(30, 10, nameof(AutomationRule.Name)), "grid-");
        last.Items.Select(r => r.Name).ShouldBe(["grid-rule-28", "grid-rule-29", "grid-rule-30"]);

        // Descending, and by what a rule checks (series first when descending; names break the tie).
        (await rules.PageAsync(new PageRequest(0, 2, nameof(AutomationRule.Name), Descending: true), "grid-")).Items.Select(r => r.Name).ShouldBe(["grid-rule-30", "grid-rule-29"]);
        var series = await rules.PageAsync(new PageRequest(0, 10, nameof(AutomationRule.CheckOn), Descending: true), "grid-rule");
        series.Items.ShouldAllBe(r => r.CheckOn == CheckOn.Series);
        series.Total.ShouldBe(30);

        // The default order: the portal's rules, then the files, each by name.
        var byDefault = await rules.PageAsync(new PageRequest(27, 6), "grid-");
        byDefault.Items.Select(r => r.Name).ShouldBe(["grid-rule-28", "grid-rule-29", "grid-rule-30", "grid-file-a", "grid-file-b", "grid-file-c"]);
        byDefault.Items.TakeLast(3).ShouldAllBe(r => r.Source == RuleSource.File);

        // The text filter looks at comments and conditions too, in any case.
        (await rules.PageAsync(new PageRequest(0, 10), "LUCKY")).Items.Single().Name.ShouldBe("grid-rule-07");
        (await rules.PageAsync(new PageRequest(0, 100), "never-matches-grid")).Total.ShouldBe(33);
        (await rules.PageAsync(new PageRequest(0, 10), "no rule is called this")).Total.ShouldBe(0);
    }
}

/// <summary>The in-memory page beside <c>ToPageAsync</c>: the same sort keys, tie-break and bounds.</summary>
public sealed class InMemoryPageTests
{
    private sealed record Row(int Id, string Name);

    private static readonly SortKeys<Row> Sort = new SortKeys<Row>(q => q.OrderBy(r => r.Id), q => q.ThenBy(r => r.Id)).Add(nameof(Row.Name), r => r.Name);

    private static readonly Row[] Rows = [new(3, "b"), new(1, "a"), new(2, "b"), new(4, "c")];

    [Fact]
    public void Pages_in_the_default_order_with_the_total()
    {
        var page = Rows.ToPage(new PageRequest(1, 2), Sort);
        page.Total.ShouldBe(4);
        page.Items.Select(r => r.Id).ShouldBe([2, 3]);
    }

    [Fact]
    public void Sorts_by_a_known_key_with_the_id_breaking_ties_and_falls_back_to_the_default_for_an_unknown_one()
    {
        Rows.ToPage(new PageRequest(0, 4, nameof(Row.Name), Descending: true), Sort).Items.Select(r => r.Id).ShouldBe([4, 2, 3, 1]);
        Rows.ToPage(new PageRequest(0, 4, "Nope"), Sort).Items.Select(r => r.Id).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public void A_page_past_the_end_is_empty_and_the_size_is_bounded()
    {
        Rows.ToPage(new PageRequest(10, 5), Sort).Items.ShouldBeEmpty();
        Rows.ToPage(new PageRequest(-5, 0), Sort).Items.Select(r => r.Id).ShouldBe([1]);
    }
}
