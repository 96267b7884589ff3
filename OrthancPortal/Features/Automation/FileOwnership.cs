using System.Runtime.InteropServices;

namespace OrthancPortal.Features.Automation;

/// <summary>Sets owner and group of written output (autorthanc's UID/GID), so a pipeline running as another user can take it.</summary>
public static partial class FileOwnership
{
    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    public static void Apply(string path, int? uid, int? gid)
    {
        if (uid is null && gid is null) return;
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("Setting file ownership is supported on Linux only.");
        Set(path, uid, gid);
        if (!Directory.Exists(path)) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories)) Set(entry, uid, gid);
    }

    private static void Set(string path, int? uid, int? gid)
    {
        // -1 leaves that id as it is.
        if (LChown(path, uid ?? -1, gid ?? -1) != 0)
        {
            throw new IOException($"Could not change the owner of '{path}' to {uid?.ToString() ?? "-"}:{gid?.ToString() ?? "-"} (error {Marshal.GetLastPInvokeError()}).");
        }
    }
}
