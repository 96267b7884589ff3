using System.Runtime;
using System.Runtime.InteropServices;

namespace OrthancPortal.Infrastructure.Footprint;

/// <summary>Gives memory the process no longer uses back to the operating system.</summary>
public interface IMemoryTrim
{
    void Trim();
}

/// <summary>
/// One blocking, compacting, aggressive collection (the GC then decommits its free regions instead of keeping them for
/// the next allocations), and glibc's <c>malloc_trim(0)</c>, which returns the free pages of every malloc arena
/// (native allocations of SQLite, OpenSSL, the runtime itself). Some tens of milliseconds on an idle portal.
/// </summary>
public sealed class ProcessMemoryTrim(ILogger<ProcessMemoryTrim> logger) : IMemoryTrim
{
    private static bool mallocTrimMissing = !OperatingSystem.IsLinux();

    public void Trim()
    {
        var before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!mallocTrimMissing)
        {
            // musl and other C libraries have no malloc_trim: then the GC's part is all there is.
            try { MallocTrim(0); }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { mallocTrimMissing = true; }
        }
        logger.LogDebug("Idle trim: working set {Before} -> {After} bytes", before, Environment.WorkingSet);
    }

    // DllImport, not LibraryImport: the latter needs unsafe code in the project, and this signature needs no marshalling.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);
}
