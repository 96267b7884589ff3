using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace OrthancPortal.Infrastructure.Logging;

/// <summary>
/// A rolling log file under the data folder beside the console, for the IT person who looks a week later
/// (<c>&lt;data&gt;/logs/portal-YYYYMMDD.log</c>; the managed Orthanc writes <c>orthanc.log</c> next to it).
/// Serilog is one more logging provider, so the "Logging" section's levels filter both outputs alike. It is added as a
/// plain provider on purpose: Serilog's <c>AddSerilog</c> also adds a rule that passes every level of every category to
/// Serilog, which then wrote each EF Core command and HttpClient request at Debug/Trace (23 MB a minute under an import)
/// and rolled a month of warnings out of the retained files within a day.
/// </summary>
public static class FileLog
{
    public const string Folder = "logs";

    public static void AddFileLog(this ILoggingBuilder logging, string dataFolder)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.File(
                Path.Combine(dataFolder, Folder, "portal-.log"),
                rollingInterval: RollingInterval.Day,
                // A month of days, and no day larger than 50 MB (a noisy day rolls to portal-YYYYMMDD_001.log).
                retainedFileCountLimit: 31,
                fileSizeLimitBytes: 50_000_000,
                rollOnFileSizeLimit: true,
                restrictedToMinimumLevel: LogEventLevel.Verbose,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        logging.AddProvider(new SerilogLoggerProvider(logger, dispose: true));
    }
}
