using System.Globalization;
using OrthancPortal.Features.Worklists;
using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Infrastructure.Dicom;

public sealed class DicomDatesTests
{
    [Theory]
    [InlineData("de-DE")]
    [InlineData("ar-SA")] // Um al-Qura calendar: a culture-formatted yyyy would be a Hijri year
    [InlineData("th-TH")] // Thai Buddhist calendar: year + 543
    public void Dates_and_times_are_ascii_gregorian_whatever_the_current_culture(string culture)
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
            var at = new DateTime(2027, 3, 28, 7, 5, 9);

            DicomDates.Date(at).ShouldBe("20270328");
            DicomDates.Date(new DateOnly(2027, 3, 28)).ShouldBe("20270328");
            DicomDates.Time(at).ShouldBe("070509");
            DicomDates.TryParseDate("20270328", out var parsed).ShouldBeTrue();
            parsed.ShouldBe(new DateOnly(2027, 3, 28));
            OrthancPortal.Infrastructure.Dicom.DicomDateRange.Format(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)).ShouldBe("20270101-20271231");

            // The worklist file carries the scheduled step's date and time as DA and TM.
            var file = WorklistFileWriter.Write(new WorklistEntry
            {
                AccessionNumber = "R0000000001", PatientId = "P1", LastName = "Test", Modality = "US", StationAet = "US1",
                ScheduledAt = at, StudyInstanceUid = "1.2.3", BirthDate = "19700101",
            });
            var text = System.Text.Encoding.ASCII.GetString(file);
            text.ShouldContain("20270328");
            text.ShouldContain("070509");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }
}
