using System.Globalization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Queues a disc when a study (study level) or a patient (patient level) becomes stable, for studies from the
/// sources the burner settings take and not older than their maximum age. The change feed's own cursor delivers
/// changes that happened while the portal was down; <see cref="BurnedStudy"/> keeps a repeated delivery from
/// burning anything twice. While the service is stopped, new studies are not queued. Errors other than a study
/// deleted meanwhile fail the delivery, so the feed retries it with backoff and finally holds it for an admin.
/// </summary>
public sealed class BurnerChangeSubscriber(SettingsStore settings, BurnerJobService jobs, OrthancClient orthanc,
    StudyOriginClassifier origins, TimeProvider clock, ILogger<BurnerChangeSubscriber> logger) : IChangeSubscriber
{
    public string Name => "burner";

    public bool Wants(OrthancChange change) => change.ChangeType is ChangeTypes.StableStudy or ChangeTypes.StablePatient;

    public async Task HandleAsync(OrthancChange change, CancellationToken ct)
    {
        if (!(await settings.GetAsync<BurnerServiceState>(ct)).Running) return;
        var options = await settings.GetAsync<BurnerSettings>(ct);
        try
        {
            IReadOnlyList<string> candidates = (options.Level, change.ChangeType) switch
            {
                (BurnLevel.Study, ChangeTypes.StableStudy) => [change.ID],
                (BurnLevel.Patient, ChangeTypes.StablePatient) => (await orthanc.GetPatientAsync(change.ID, ct)).Studies,
                _ => [],
            };
            var wanted = new List<string>();
            foreach (var id in candidates)
            {
                if (await WantsStudyAsync(id, options, ct)) wanted.Add(id);
            }
            if (wanted.Count > 0) await jobs.EnqueueAsync(wanted, BurnTrigger.Auto, Actor.System, ct);
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            // Deleted before it could be queued: nothing to burn.
        }
    }

    private async Task<bool> WantsStudyAsync(string studyId, BurnerSettings options, CancellationToken ct)
    {
        if (options.MaxStudyAgeDays > 0)
        {
            var study = await orthanc.GetStudyAsync(studyId, ct);
            // A study without a readable date is burned: the age limit is for priors, which carry their date.
            if (DateOnly.TryParseExact(study.Tag("StudyDate"), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                && date < DateOnly.FromDateTime(clock.GetLocalNow().DateTime).AddDays(-options.MaxStudyAgeDays))
            {
                logger.LogInformation("Study {Study} of {Date} is older than {Days} days: not burned automatically", studyId, date, options.MaxStudyAgeDays);
                return false;
            }
        }
        var origin = await origins.ClassifyStudyAsync(studyId, ct);
        if (options.Sources.Accepts(origin)) return true;
        logger.LogInformation("Study {Study} ({Origin}) is not from a source the burner takes", studyId, origin);
        return false;
    }
}
