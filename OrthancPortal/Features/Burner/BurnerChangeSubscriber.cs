using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Settings;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Queues a disc when a study (study level) or a patient (patient level) becomes stable. The change feed's own
/// cursor delivers changes that happened while the portal was down; <see cref="BurnedStudy"/> keeps a repeated
/// delivery from burning anything twice. While the service is stopped, new studies are not queued.
/// </summary>
public sealed class BurnerChangeSubscriber(SettingsStore settings, BurnerJobService jobs, OrthancClient orthanc) : IChangeSubscriber
{
    public string Name => "burner";

    public bool Wants(OrthancChange change) => change.ChangeType is ChangeTypes.StableStudy or ChangeTypes.StablePatient;

    public async Task HandleAsync(OrthancChange change, CancellationToken ct)
    {
        if (!(await settings.GetAsync<BurnerServiceState>(ct)).Running) return;
        var level = (await settings.GetAsync<BurnerSettings>(ct)).Level;
        try
        {
            if (level == BurnLevel.Study && change.ChangeType == ChangeTypes.StableStudy)
            {
                await jobs.EnqueueAsync([change.ID], BurnTrigger.Auto, Actor.System, ct);
            }
            else if (level == BurnLevel.Patient && change.ChangeType == ChangeTypes.StablePatient)
            {
                var patient = await orthanc.GetPatientAsync(change.ID, ct);
                await jobs.EnqueueAsync(patient.Studies, BurnTrigger.Auto, Actor.System, ct);
            }
        }
        catch (OrthancException ex) when (ex.Failure == OrthancFailure.NotFound)
        {
            // Deleted before it could be queued: nothing to burn.
        }
    }
}
