using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Settings;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>The portal with the burner pointed at a temporary monitored folder that a <see cref="BurnerSimulator"/> serves.</summary>
public class BurnerFixture : PortalFixture
{
    public string Monitored { get; } = TestEnvironment.NewTempFolder("burner-monitored");
    public string LabelFile { get; private set; } = "";
    public BurnerSimulator Simulator { get; private set; } = default!;

    /// <summary>Whether the service runs from the start (the browser test starts it itself).</summary>
    protected virtual bool StartRunning => true;

    protected override IDictionary<string, string?> PortalSettings => new Dictionary<string, string?>
    {
        ["Burner:MonitoredFolder"] = Monitored,
        ["Burner:LabelFile"] = LabelFile,
        ["Burner:Manufacturer"] = "Epson",
        ["BurnerService:Running"] = StartRunning ? "true" : "false",
        ["BurnerMonitor:RescanSeconds"] = "1",
    };

    public override async Task InitializeAsync()
    {
        var labels = TestEnvironment.NewTempFolder("burner-label");
        LabelFile = Path.Combine(labels, "patient.tdd");
        await File.WriteAllTextAsync(LabelFile, "label template");
        Simulator = new BurnerSimulator(Monitored);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await base.DisposeAsync();
        TestEnvironment.DeleteQuietly(Monitored);
        TestEnvironment.DeleteQuietly(Path.GetDirectoryName(LabelFile)!);
    }

    public async Task<List<BurnerJob>> JobsForPatientAsync(string patientId)
    {
        await using var db = await Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Set<BurnerJob>().AsNoTracking().Where(j => j.PatientId == patientId).OrderBy(j => j.Id).ToListAsync();
    }

    public async Task<BurnerJob> WaitForJobAsync(string patientId, BurnerJobState state, int seconds = 40)
    {
        BurnerJob? found = null;
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            found = (await JobsForPatientAsync(patientId)).LastOrDefault();
            if (found?.State is BurnerJobState.Failed && state != BurnerJobState.Failed) throw new InvalidOperationException($"Job {found.Id} failed: {found.Detail}");
            return found?.State == state;
        }, TimeSpan.FromSeconds(seconds), $"a burn job for {patientId} in state {state} (last: {found?.State} {found?.Detail})");
        return found!;
    }

    public async Task ChangeSettingsAsync(Action<BurnerSettings> change)
    {
        var store = Portal.GetRequiredService<SettingsStore>();
        var settings = await store.GetAsync<BurnerSettings>();
        change(settings);
        await store.SaveAsync(settings, Actor.System);
    }

    public async Task<T> WithJobsAsync<T>(Func<BurnerJobService, Task<T>> action)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<BurnerJobService>());
    }

    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Portal.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Set<AuditEntry>().AsNoTracking().Where(a => a.Action == action).ToListAsync();
    }
}
