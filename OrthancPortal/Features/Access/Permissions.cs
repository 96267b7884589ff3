using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Access;

/// <summary>
/// The portal's permissions. Each is a role claim of type <see cref="ClaimType"/> and has an authorization
/// policy of the same name, so pages use <c>[Authorize(Policy = Permissions.Export)]</c>.
/// Not static only so that <see cref="PortalText.For{T}"/> can name it (its descriptions are in Permissions.de.resx).
/// </summary>
public sealed class Permissions
{
    private static readonly IStringLocalizer<Permissions> L = PortalText.For<Permissions>();

    private Permissions() { }

    public const string ClaimType = "portal:permission";

    public const string ViewContent = nameof(ViewContent);
    public const string Import = nameof(Import);
    public const string Modify = nameof(Modify);
    public const string Delete = nameof(Delete);
    public const string Anonymize = nameof(Anonymize);
    public const string ExportLocal = nameof(ExportLocal);
    public const string ExportRemote = nameof(ExportRemote);
    public const string Query = nameof(Query);
    public const string AutoRetrieve = nameof(AutoRetrieve);
    public const string Burner = nameof(Burner);
    public const string Worklists = nameof(Worklists);
    public const string Automation = nameof(Automation);
    public const string Admin = nameof(Admin);
    public const string ViewPseudonymMap = nameof(ViewPseudonymMap);
    public const string Labels = nameof(Labels);
    public const string Share = nameof(Share);

    public static readonly IReadOnlyList<string> All =
    [
        ViewContent, Import, Modify, Delete, Anonymize, ExportLocal, ExportRemote, Query,
        AutoRetrieve, Burner, Worklists, Automation, Admin, ViewPseudonymMap, Labels, Share,
    ];

    /// <summary>What the permission allows, in the current UI language (the roles page, refusals).</summary>
    public static string Describe(string permission) => permission switch
    {
        ViewContent => L["Browse and view studies, images and tags"],
        Import => L["Upload DICOM files"],
        Modify => L["Change tags and protect patients"],
        Delete => L["Delete patients, studies and series"],
        Anonymize => L["Anonymize studies"],
        ExportLocal => L["Download studies"],
        ExportRemote => L["Send studies to modalities, peers and remote destinations"],
        Query => L["Query and retrieve from remote PACS"],
        AutoRetrieve => L["Create auto-retrieve robots"],
        Burner => L["Burn CDs and DVDs"],
        Worklists => L["Manage modality worklists and GDT"],
        Automation => L["Manage automation rules"],
        Admin => L["Administer users, settings and Orthanc"],
        ViewPseudonymMap => L["See and export the pseudonym map (re-identification)"],
        Labels => L["Add and remove labels on studies"],
        Share => L["Send share links that open studies in the viewer without an account"],
        _ => permission,
    };
}

/// <summary>The roles created at first start. Admin always holds every permission.</summary>
public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string User = nameof(User);
    public const string Viewer = nameof(Viewer);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Seeded { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Admin] = Permissions.All,
        [User] = Permissions.All.Where(p => p is not (Permissions.Admin or Permissions.ViewPseudonymMap)).ToList(),
        [Viewer] = [Permissions.ViewContent],
    };
}
