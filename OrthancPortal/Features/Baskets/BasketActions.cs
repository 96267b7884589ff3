using System.Security.Claims;
using FluentValidation;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Export;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Tasks;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Baskets;

/// <summary>New values for one basket entry in the Anonymize tables.</summary>
public sealed record AnonymizeRow(string OrthancId, string? NewPatientName, string? NewPatientId, string? NewStudyDescription, string? NewAccession);

public sealed record RunAnonymizeRequest(string ProfileId, IReadOnlyList<AnonymizeRow> Rows);

public sealed record RunExportRequest(ExportTarget Target, string? ArchiveName);

/// <summary>Thrown when the user lacks the permission for a basket action (endpoints answer 403).</summary>
public sealed class BasketForbiddenException(string message) : Exception(message);

/// <summary>
/// Starts the work of a basket (anonymize, export, delete) as a task. Checks the permission itself, so pages,
/// endpoints and other callers are all held to it, and to a role's label limit (checked when an item is added and again
/// when the basket is run, since labels may have changed meanwhile).
/// </summary>
public sealed class BasketActions(BasketService baskets, TaskQueue tasks, AuditLog audit, StudyAccess access, IStringLocalizer<BasketActions> L)
{
    public static string PermissionToAdd(BasketKind kind) => kind switch
    {
        BasketKind.Anonymize => Permissions.Anonymize,
        BasketKind.Delete => Permissions.Delete,
        _ => Permissions.ExportLocal,
    };

    public static bool MayUse(ClaimsPrincipal user, BasketKind kind)
        => kind == BasketKind.Export
            ? user.HasClaim(Permissions.ClaimType, Permissions.ExportLocal) || user.HasClaim(Permissions.ClaimType, Permissions.ExportRemote)
            : user.HasClaim(Permissions.ClaimType, PermissionToAdd(kind));

    public async Task<int> AddAsync(ClaimsPrincipal user, BasketKind kind, IReadOnlyList<ResourceRef> items, CancellationToken ct = default)
    {
        Require(user, kind);
        await RequireVisibleAsync(user, items, ct);
        return await baskets.AddAsync(UserId(user), kind, items, ct);
    }

    public async Task<long> StartDeleteAsync(ClaimsPrincipal user, Actor actor, CancellationToken ct = default)
    {
        Require(user, BasketKind.Delete);
        var items = (await baskets.ItemsAsync(UserId(user), BasketKind.Delete, ct)).Select(i => new ResourceRef(i.Level, i.OrthancId)).ToList();
        if (items.Count == 0) throw new ValidationException(L["The Delete basket is empty."]);
        await RequireVisibleAsync(user, items, ct);
        var id = await tasks.EnqueueAsync(DeleteTaskHandler.TaskType, new DeletePayload(items), $"Delete {items.Count} items", actor, ct);
        await audit.WriteAsync(actor, "delete.start", $"task {id}", $"{items.Count} items: {string.Join(", ", items.Select(i => $"{i.Level.Path()}/{i.OrthancId}"))}", ct: ct);
        await baskets.ClearAsync(UserId(user), BasketKind.Delete, ct);
        return id;
    }

    public async Task<long> StartAnonymizeAsync(ClaimsPrincipal user, Actor actor, RunAnonymizeRequest request, CancellationToken ct = default)
    {
        Require(user, BasketKind.Anonymize);
        new RunAnonymizeValidator().ValidateAndThrow(request);
        var items = await baskets.ItemsAsync(UserId(user), BasketKind.Anonymize, ct);
        if (items.Count == 0) throw new ValidationException(L["The Anonymize basket is empty."]);
        await RequireVisibleAsync(user, items.Select(i => new ResourceRef(i.Level, i.OrthancId)).ToList(), ct);
        var rows = request.Rows.ToDictionary(r => r.OrthancId);
        var work = new List<AnonymizeItem>();
        foreach (var item in items)
        {
            rows.TryGetValue(item.OrthancId, out var row);
            var overrides = new AnonymizationOverrides(row?.NewPatientName, row?.NewPatientId, row?.NewStudyDescription, row?.NewAccession);
            // Patients are anonymized study by study; all their studies get the patient's new name and id.
            if (item.Level == ResourceLevel.Patient)
            {
                foreach (var study in await baskets.StudiesOfAsync([new ResourceRef(item.Level, item.OrthancId)], ct))
                {
                    var studyRow = rows.GetValueOrDefault(study.OrthancId);
                    work.Add(new AnonymizeItem(ResourceLevel.Study, study.OrthancId, item.Label,
                        overrides with { StudyDescription = studyRow?.NewStudyDescription, AccessionNumber = studyRow?.NewAccession }));
                }
            }
            else
            {
                work.Add(new AnonymizeItem(item.Level, item.OrthancId, item.Label, overrides));
            }
        }
        return await tasks.EnqueueAsync(AnonymizeTaskHandler.TaskType, new AnonymizePayload(request.ProfileId, work), $"Anonymize {work.Count} studies", actor, ct);
    }

    public async Task<long> StartExportAsync(ClaimsPrincipal user, Actor actor, RunExportRequest request, CancellationToken ct = default)
    {
        if (!user.HasClaim(Permissions.ClaimType, Permissions.ExportRemote)) throw new BasketForbiddenException(L["Sending needs the ExportRemote permission."]);
        new RunExportValidator().ValidateAndThrow(request);
        var items = await baskets.ItemsAsync(UserId(user), BasketKind.Export, ct);
        if (items.Count == 0) throw new ValidationException(L["The Export basket is empty."]);
        await RequireVisibleAsync(user, items.Select(i => new ResourceRef(i.Level, i.OrthancId)).ToList(), ct);
        var title = request.Target.Kind switch
        {
            ExportTargetKind.Modality => $"Send {items.Count} items to modality {request.Target.Name}",
            ExportTargetKind.Peer => $"Send {items.Count} items to peer {request.Target.Name}",
            _ => $"Send {items.Count} items to destination {request.Target.DestinationId}",
        };
        return await tasks.EnqueueAsync(ExportTaskHandler.TaskType, new ExportPayload(items.Select(i => i.OrthancId).ToList(), request.Target, request.ArchiveName), title, actor, ct);
    }

    private async Task RequireVisibleAsync(ClaimsPrincipal user, IReadOnlyList<ResourceRef> items, CancellationToken ct)
    {
        foreach (var item in items)
        {
            if (await access.DenialAsync(user, item.Level, item.OrthancId, everyStudy: true, ct) is { } reason) throw new BasketForbiddenException(reason);
        }
    }

    private void Require(ClaimsPrincipal user, BasketKind kind)
    {
        if (!MayUse(user, kind)) throw new BasketForbiddenException(L["You do not have the permission for the {0} basket.", kind]);
    }

    private string UserId(ClaimsPrincipal user) => BasketService.UserIdOf(user) ?? throw new BasketForbiddenException(L["Sign in first."]);

    public sealed class RunAnonymizeValidator : AbstractValidator<RunAnonymizeRequest>
    {
        private static readonly IStringLocalizer<BasketActions> L = PortalText.For<BasketActions>();

        public RunAnonymizeValidator()
        {
            RuleFor(x => x.ProfileId).NotEmpty().WithMessage(_ => L["Choose an anonymization profile."]);
            RuleForEach(x => x.Rows).ChildRules(row =>
            {
                row.RuleFor(r => r.NewPatientName).MaximumLength(64).Must(NoBackslash).WithMessage(_ => L["A patient name has at most 64 characters and no '\\'."]);
                row.RuleFor(r => r.NewPatientId).MaximumLength(64).Must(NoBackslash).WithMessage(_ => L["A patient ID has at most 64 characters and no '\\'."]);
                row.RuleFor(r => r.NewStudyDescription).MaximumLength(64).Must(NoBackslash).WithMessage(_ => L["A study description has at most 64 characters and no '\\'."]);
                row.RuleFor(r => r.NewAccession).MaximumLength(16).Must(NoBackslash).WithMessage(_ => L["An accession number has at most 16 characters and no '\\'."]);
            });
        }

        // '\' separates values in DICOM: a typed one would turn one value into several.
        private static bool NoBackslash(string? value) => value is null || !value.Contains('\\');
    }

    public sealed class RunExportValidator : AbstractValidator<RunExportRequest>
    {
        private static readonly IStringLocalizer<BasketActions> L = PortalText.For<BasketActions>();

        public RunExportValidator()
        {
            RuleFor(x => x.Target.Name).NotEmpty().Matches("^[A-Za-z0-9_.-]{1,64}$").When(x => x.Target.Kind is ExportTargetKind.Modality or ExportTargetKind.Peer)
                .WithMessage(_ => L["Choose a modality or peer."]);
            RuleFor(x => x.Target.DestinationId).NotNull().When(x => x.Target.Kind == ExportTargetKind.Destination).WithMessage(_ => L["Choose a destination."]);
            RuleFor(x => x.Target.Transcode).Must(t => t is null || OrthancClient.TranscodeTargets.Any(s => s.Uid == t)).WithMessage(_ => L["Unknown transfer syntax."]);
            RuleFor(x => x.ArchiveName).MaximumLength(80);
        }
    }
}
