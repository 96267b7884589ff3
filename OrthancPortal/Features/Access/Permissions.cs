namespace OrthancPortal.Features.Access;

/// <summary>
/// The portal's permissions. Each is a role claim of type <see cref="ClaimType"/> and has an authorization
/// policy of the same name, so pages use <c>[Authorize(Policy = Permissions.Export)]</c>.
/// </summary>
public static class Permissions
{
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

    public static string Describe(string permission) => permission switch
    {
        ViewContent => "Browse and view studies, images and tags",
        Import => "Upload DICOM files",
        Modify => "Change tags and protect patients",
        Delete => "Delete patients, studies and series",
        Anonymize => "Anonymize studies",
        ExportLocal => "Download studies",
        ExportRemote => "Send studies to modalities, peers and remote destinations",
        Query => "Query and retrieve from remote PACS",
        AutoRetrieve => "Create auto-retrieve robots",
        Burner => "Burn CDs and DVDs",
        Worklists => "Manage modality worklists and GDT",
        Automation => "Manage automation rules",
        Admin => "Administer users, settings and Orthanc",
        ViewPseudonymMap => "See and export the pseudonym map (re-identification)",
        Labels => "Add and remove labels on studies",
        Share => "Send share links that open studies in the viewer without an account",
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
