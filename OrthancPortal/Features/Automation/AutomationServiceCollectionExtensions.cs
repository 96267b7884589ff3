using MudBlazor;
using OrthancPortal.Infrastructure.Scheduling;
using OrthancPortal.Features.RowActions;
using System.Text;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;

namespace OrthancPortal.Features.Automation;

public static class AutomationServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAutomation(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<RuleFileSource>();
        s.AddSingleton<RuleFolderWatcher>();
        s.AddHostedService(sp => sp.GetRequiredService<RuleFolderWatcher>());
        s.AddScoped<RuleStore>();
        s.AddScoped<RuleContextLoader>();
        s.AddScoped<StudyFolderWriter>();
        s.AddScoped<StudyZipWriter>();
        s.AddScoped<AutomationAnonymizer>();
        s.AddScoped<AnonymizingIntake>();
        s.AddScoped<AutomationRunner>();
        s.AddScoped<AutomationDispatcher>();
        s.AddScoped<AutomationService>();
        s.AddPersistedQueue<AutomationQueue>(rescan: TimeSpan.FromSeconds(30));
        s.AddScoped<IChangeSubscriber, AutomationSubscriber>();
        s.AddTaskHandler<RunAgainTaskHandler>();
        s.AddNavItem(new NavItem("Automation", "automation", Icons.Material.Filled.AutoMode, Permissions.Automation, 950, NavArea.Administration, AdminSection.Automation));
        s.AddRowAction<Pages.RunAgainButton>(310, RowKind.StudyPage);
        return builder;
    }
}

/// <summary>
/// The automation API (Automation permission):
/// POST /api/automation/studies/{orthancStudyId}/run-again[?rule=key] runs the rules on a study again (a task; 202 with its id);
/// GET /api/automation/rules/export?key=... downloads a rule in the rule-file format;
/// GET /api/automation/dry-run?key=...&amp;study=... tests a rule against a study (Orthanc id or StudyInstanceUID);
/// GET /api/automation/runs lists the latest runs.
/// </summary>
public static class AutomationEndpoints
{
    public static WebApplication MapAutomationEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/automation").RequireAuthorization(Permissions.Automation);

        api.MapPost("/studies/{studyId}/run-again", async (string studyId, string? rule, AutomationService automation, CancellationToken ct) =>
        {
            try
            {
                var taskId = await automation.RunAgainAsync(OrthancClient.Id(studyId), string.IsNullOrWhiteSpace(rule) ? null : rule, ct);
                return Results.Accepted($"/tasks", new { taskId });
            }
            catch (OrthancException ex) when (ex.Failure is OrthancFailure.NotFound or OrthancFailure.BadRequest)
            {
                return Results.Problem(ex.Failure == OrthancFailure.NotFound ? $"There is no study '{studyId}'." : ex.Message,
                    statusCode: ex.Failure == OrthancFailure.NotFound ? 404 : 400);
            }
            catch (AutomationRunException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });

        api.MapGet("/rules/export", async (string key, RuleStore rules, CancellationToken ct) =>
            await rules.FindAsync(key, ct) is { } rule
                ? Results.File(Encoding.UTF8.GetBytes(RuleFileFormat.Export(rule)), "application/json", $"{PathSanitizer.Segment(rule.Id, "rule")}.json")
                : Results.Problem($"There is no rule '{key}'.", statusCode: 404));

        api.MapGet("/dry-run", async (string key, string study, RuleStore rules, AutomationService automation, CancellationToken ct) =>
        {
            if (await rules.FindAsync(key, ct) is not { } rule) return Results.Problem($"There is no rule '{key}'.", statusCode: 404);
            if (await automation.ResolveStudyAsync(study, ct) is not { } studyId) return Results.Problem($"No study matches '{study}'.", statusCode: 404);
            return Results.Ok(await automation.DryRunAsync(rule, studyId, ct));
        });

        api.MapGet("/runs", async (AutomationService automation, CancellationToken ct) => Results.Ok(await automation.RecentRunsAsync(100, ct)));
        return app;
    }
}
