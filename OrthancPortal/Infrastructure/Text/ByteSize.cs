namespace OrthancPortal.Infrastructure.Text;

/// <summary>Byte counts for people: B, KB, MB, GB in steps of 1024, in the current culture.</summary>
public static class ByteSize
{
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };
}
