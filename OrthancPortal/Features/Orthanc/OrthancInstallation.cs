using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrthancPortal.Features.Orthanc;

/// <summary>
/// Where the managed Orthanc's program and plugins are installed. Either the system's packages, or a Debian tree
/// (scripts/orthanc-tree.sh builds Debian trixie's Orthanc 1.12 into one on older hosts) that is run through the
/// tree's own dynamic loader and libraries, unprivileged. A deployment fact set by scripts/run.sh or the container:
/// read from configuration only, never stored with the settings edited in the UI, so a rebuilt tree is picked up
/// at the next start.
/// </summary>
public sealed class OrthancInstallation
{
    public const string Section = "OrthancInstallation";

    /// <summary>Root of a Debian tree holding Orthanc; empty or "/" means the system's Orthanc.</summary>
    public string? TreeRoot { get; set; }

    /// <summary>The Orthanc program: a command from PATH for the system's Orthanc; in a tree, a name in /usr/sbin or a path inside the tree.</summary>
    public string Executable { get; set; } = "Orthanc";

    /// <summary>The plugins folder (inside the tree when there is one).</summary>
    public string PluginsFolder { get; set; } = "/usr/share/orthanc/plugins";

    public bool UsesTree => !string.IsNullOrWhiteSpace(TreeRoot) && Path.GetFullPath(TreeRoot) != "/";

    /// <summary>How Orthanc is started with <paramref name="arguments"/>.</summary>
    public ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments)
    {
        ProcessStartInfo start;
        if (UsesTree)
        {
            var root = Path.GetFullPath(TreeRoot!);
            var (loader, triplet) = RuntimeInformation.OSArchitecture switch
            {
                Architecture.Arm64 => ("/lib/ld-linux-aarch64.so.1", "aarch64-linux-gnu"),
                _ => ("/lib64/ld-linux-x86-64.so.2", "x86_64-linux-gnu"),
            };
            var program = Executable.StartsWith('/') ? Executable : "/usr/sbin/" + Executable;
            start = new ProcessStartInfo(ResolveInTree(root, loader));
            // The tree's loader with only the tree's libraries: the host's (older) glibc and libstdc++ are never mixed in.
            start.ArgumentList.Add("--library-path");
            start.ArgumentList.Add($"{ResolveInTree(root, "/usr/lib/" + triplet)}:{ResolveInTree(root, "/lib/" + triplet)}");
            start.ArgumentList.Add(ResolveInTree(root, program));
            // DCMTK inside Orthanc looks for its data dictionary at the path it was built with, which is the host's.
            start.Environment["DCMDICTPATH"] = ResolveInTree(root, "/usr/share/dcmtk/dicom.dic");
        }
        else
        {
            start = new ProcessStartInfo(Executable);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.UseShellExecute = false;
        return start;
    }

    /// <summary>The real path of a plugin library, or null when it is not installed.</summary>
    public string? FindPlugin(string fileName)
    {
        var path = UsesTree ? ResolveInTree(TreeRoot!, Path.Combine(PluginsFolder, fileName)) : Path.Combine(PluginsFolder, fileName);
        return File.Exists(path) ? path : null;
    }

    public string Describe() => UsesTree ? $"{Executable} from the tree {TreeRoot}" : $"{Executable} (system)";

    /// <summary>
    /// Resolves <paramref name="path"/> as a program chrooted to <paramref name="root"/> would see it: an absolute
    /// symbolic link (Debian's plugin links may be absolute) points into the tree, never to the host, and ".." stops at the root.
    /// </summary>
    public static string ResolveInTree(string root, string path)
    {
        root = Path.GetFullPath(root);
        var pending = new Stack<string>(Enumerable.Reverse(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var target = new FileInfo(Path.Combine(root, Path.Combine([.. resolved, part]))).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > 40) throw new IOException($"Too many symbolic links resolving {path} in {root}.");
            if (target.StartsWith('/')) resolved.Clear();
            foreach (var t in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries))) pending.Push(t);
        }
        return Path.Combine([root, .. resolved]);
    }
}
