using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Burner;

/// <summary>
/// Turns a path as the portal sees it into the path the disc software reads. TD Bridge and PTBurn run on
/// Windows and resolve request paths on their own machine, so a folder the portal knows as /srv/burner is, for
/// them, \\burnpc\jobs or D:\jobs. Without a mapping, paths are written as they are (the portal and the disc
/// software share one machine).
/// </summary>
public sealed class DiscPathMapper(string portalPrefix, string discPrefix)
{
    private static readonly IStringLocalizer<DiscPathMapper> L = PortalText.For<DiscPathMapper>();

    public static DiscPathMapper From(BurnerSettings settings) => new(settings.PortalPathPrefix.Trim(), settings.DiscSoftwarePathPrefix.Trim());

    public bool IsIdentity => portalPrefix.Length == 0 && discPrefix.Length == 0;

    /// <summary>Drive letters and UNC shares are Windows paths, written with backslashes.</summary>
    public static bool IsWindowsPath(string path)
        => path.StartsWith(@"\\", StringComparison.Ordinal)
            || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':' && (path.Length == 2 || path[2] is '\\' or '/'));

    public string Map(string portalPath)
    {
        if (IsIdentity) return portalPath;
        var relative = Relative(portalPath)
            ?? throw new BurnerException(L["'{0}' is not inside the mapped folder '{1}', so the disc software cannot read it. Check the path mapping in the burner settings.", portalPath, portalPrefix]);
        var windows = IsWindowsPath(discPrefix);
        var separator = windows ? '\\' : '/';
        var root = discPrefix.TrimEnd('\\', '/');
        // A bare drive ("D:") needs its root separator back.
        if (root.Length == 0 || (windows && root.Length == 2 && root[1] == ':')) root += separator;
        if (relative.Length == 0) return root;
        var tail = windows ? relative.Replace('/', '\\') : relative;
        return root.EndsWith(separator) ? root + tail : root + separator + tail;
    }

    /// <summary>Why a portal path cannot be mapped, or null when it can.</summary>
    public string? Problem(string portalPath)
        => IsIdentity || Relative(portalPath) is not null ? null : L["'{0}' is not inside the mapped portal folder '{1}'.", portalPath, portalPrefix].Value;

    /// <summary>The path below the portal prefix ("" for the prefix itself), or null when it lies outside it.</summary>
    private string? Relative(string portalPath)
    {
        if (!Path.IsPathFullyQualified(portalPath) || !Path.IsPathFullyQualified(portalPrefix)) return null;
        var relative = Path.GetRelativePath(Path.GetFullPath(portalPrefix), Path.GetFullPath(portalPath));
        if (relative == ".") return "";
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || relative.StartsWith(@"..\", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return null;
        return relative;
    }
}
