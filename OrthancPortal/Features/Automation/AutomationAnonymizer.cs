using OrthancPortal.Features.Audit;

namespace OrthancPortal.Features.Automation;

/// <summary>The Anonymize step: hands the resource to the Anonymization feature's service (see the baskets branch).</summary>
public sealed class AutomationAnonymizer
{
    public Task<string> AnonymizeAsync(RuleTarget target, string profileId, Actor actor, CancellationToken ct)
        => throw new AutomationRunException("Anonymization is not available in this build yet.");
}
