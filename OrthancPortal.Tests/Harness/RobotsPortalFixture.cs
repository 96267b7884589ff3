using OrthancPortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace OrthancPortal.Tests.Harness;

/// <summary>The portal with a fast robot runner (short ticks and backoff) for query/retrieve and robot tests.</summary>
public class RobotsPortalFixture : PortalFixture
{
    public static readonly Dictionary<string, string?> FastRobots = new()
    {
        ["Robots:TickSeconds"] = "0.5",
        ["Robots:RetryBackoffSeconds"] = "1",
        ["Robots:MaxAttempts"] = "2",
        ["QueryRetrieve:QueryTimeoutSeconds"] = "10",
        ["QueryRetrieve:MoveTimeoutSeconds"] = "10",
        ["QueryRetrieve:RetrieveTimeoutSeconds"] = "60",
    };

    protected override IDictionary<string, string?> PortalSettings => FastRobots;

    /// <summary>A scope of the running portal, for calling its services as a page would.</summary>
    public AsyncServiceScope Scope() => Portal.Services.CreateAsyncScope();

    /// <summary>Sends many studies with one storescu association (much faster than one call per study).</summary>
    public static async Task SendAllAsync(IEnumerable<SyntheticStudy> studies, OrthancProcess target)
    {
        var folder = TestEnvironment.NewTempFolder("send-many");
        try
        {
            foreach (var study in studies) TestDicom.WriteFiles(study, Path.Combine(folder, study.Accession));
            await StoreScu.SendAsync(folder, target.DicomPort, target.Aet);
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    /// <summary>How many C-MOVE jobs the local Orthanc ran for a study UID (to prove nothing was retrieved twice).</summary>
    public async Task<int> MoveJobsForAsync(string studyUid)
    {
        var jobs = (await Local.GetJsonAsync("jobs?expand")).AsArray();
        return jobs.Count(j => j!["Type"]!.ToString() == "DicomMoveScu" && j["Content"]!.ToJsonString().Contains(studyUid));
    }
}

public sealed class RobotsBrowserFixture : RobotsPortalFixture
{
    protected override bool UsesBrowser => true;
}

/// <summary>The robots fixture with the portal's database on the test PostgreSQL server.</summary>
public sealed class PostgresRobotsPortalFixture : RobotsPortalFixture
{
    protected override PortalDatabase? Database => PortalDatabase.Postgres;
}
