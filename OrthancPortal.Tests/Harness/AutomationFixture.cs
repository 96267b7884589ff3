using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Automation;

namespace OrthancPortal.Tests.Harness;

/// <summary>The portal fixture with its automation rules folder and output folder in a temporary folder the test can see.</summary>
public class AutomationFixture : PortalFixture
{
    public string Root { get; } = TestEnvironment.NewTempFolder("automation");
    public string RulesFolder => Path.Combine(Root, "rules");
    public string OutputFolder => Path.Combine(Root, "out");

    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Automation:RulesFolder"] = RulesFolder,
        ["Automation:OutputFolder"] = OutputFolder,
    };

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(RulesFolder);
        Directory.CreateDirectory(OutputFolder);
        await base.InitializeAsync();
    }

    /// <summary>Saves a portal rule as the service would for a user.</summary>
    public async Task<long> CreateRuleAsync(RuleInput input)
    {
        using var scope = Portal.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<RuleStore>().SaveAsync(null, input);
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors));
        return result.Id!.Value;
    }

    public async Task<IReadOnlyList<AutomationExecution>> RunsAsync(string ruleName)
    {
        using var scope = Portal.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<AutomationService>().RecentRunsAsync(500)).Where(r => r.RuleName == ruleName).ToList();
    }

    /// <summary>Waits until <paramref name="count"/> runs of the rule have finished.</summary>
    public async Task<IReadOnlyList<AutomationExecution>> WaitForRunsAsync(string ruleName, int count = 1, int seconds = 40)
    {
        IReadOnlyList<AutomationExecution> runs = [];
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            runs = (await RunsAsync(ruleName)).Where(r => r.Outcome is ExecutionOutcome.Succeeded or ExecutionOutcome.Failed).ToList();
            return runs.Count >= count;
        }, TimeSpan.FromSeconds(seconds), $"{count} finished run(s) of {ruleName}");
        return runs;
    }

    public static RuleInput Rule(string name, string patientIdContains, params RuleInput.ActionInput[] actions) => new()
    {
        Name = name,
        CheckOn = CheckOn.Study,
        Conditions = [new() { TagName = "PatientID", Level = TagLevel.Patient, Value = patientIdContains }],
        Actions = actions.Length == 0 ? [new() { Kind = ActionKind.Download }] : [.. actions],
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        TestEnvironment.DeleteQuietly(Root);
    }
}

/// <summary>The automation fixture plus a browser.</summary>
public sealed class AutomationBrowserFixture : AutomationFixture
{
    protected override bool UsesBrowser => true;
}
