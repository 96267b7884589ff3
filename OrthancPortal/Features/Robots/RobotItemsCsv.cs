using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Infrastructure.Localization;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Robots;

/// <summary>
/// A robot's items as CSV for the user's spreadsheet: the culture's separator and a BOM (<see cref="CsvFormat"/>),
/// names as "Last, First" and dates in the culture, streamed row by row from the database.
/// </summary>
public sealed class RobotItemsCsv(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    public static readonly string[] Header = ["Row", "Patient", "Patient ID", "Accession", "Study description", "Study Instance UID", "Series Instance UID", "Validation", "State", "Attempts", "Detail", "Local study"];

    /// <summary>False when the user may not see the robot (or it is gone); nothing is written then.</summary>
    public async Task<bool> WriteAsync(RobotUser user, long robotId, Stream output, CultureInfo culture, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var robot = await db.Set<Robot>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == robotId, ct);
        if (robot is null || (!user.IsAdmin && robot.OwnerId != user.Id)) return false;
        await audit.WriteAsync(user.Actor, "robot.export", $"robot:{robotId}", robot.ProjectName, ct: ct);
        await using var csv = CsvWriter.Create(output, CsvFormat.WriterOptions(culture), true);
        await csv.WriteRecordAsync(Header, ct);
        var count = 0;
        var items = db.Set<RobotItem>().AsNoTracking().Where(i => i.RobotId == robotId).OrderBy(i => i.Line).ThenBy(i => i.Id);
        await foreach (var i in items.AsAsyncEnumerable().WithCancellation(ct))
        {
            await csv.WriteRecordAsync(Row(i, culture), ct);
            if (++count % 500 == 0) await csv.FlushAsync(ct);
        }
        return true;
    }

    public static string[] Row(RobotItem i, CultureInfo culture) =>
    [
        i.Line.ToString(culture),
        CsvCells.Neutralize(PortalFormat.PersonName(i.PatientName)),
        CsvCells.Neutralize(i.PatientId),
        CsvCells.Neutralize(i.AccessionNumber),
        CsvCells.Neutralize(i.Found is null ? i.StudyDescription : RobotFound.Format(i.Found)),
        i.StudyInstanceUid,
        i.SeriesInstanceUid,
        i.Validation.ToString(),
        i.State.ToString(),
        i.Attempts.ToString(culture),
        CsvCells.Neutralize(i.FailureReason ?? i.ValidationMessage ?? ""),
        i.LocalStudyId ?? "",
    ];
}
