using System.Runtime.InteropServices;

namespace OrthancPortal.Infrastructure.Security;

/// <summary>
/// Keeps what the portal writes (database, keys, GDT, worklist and burner files, exports) away from other local users.
/// </summary>
public static class FilePermissions
{
    /// <summary>
    /// Files 0640 and folders 0750: the owner writes, its group reads (the AIS reading GDT files, the burner software,
    /// the managed Orthanc run by the same account), others get nothing.
    /// </summary>
    public const uint Umask = 0b000_010_111; // 0027

    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);

    /// <summary>Adds 0027 to the process umask; call before anything creates a file. A stricter umask set by the admin stays.</summary>
    public static void RestrictUmask()
    {
        if (OperatingSystem.IsWindows()) return;
        var previous = SetUmask(Umask);
        SetUmask(previous | Umask);
    }

    /// <summary>chmod, for files that only the portal itself reads (the database and its WAL, the key ring).</summary>
    public static void OwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (File.Exists(path)) File.SetUnixFileMode(path, OwnerOnlyFile);
        else if (Directory.Exists(path)) File.SetUnixFileMode(path, OwnerOnlyFolder);
    }
}
