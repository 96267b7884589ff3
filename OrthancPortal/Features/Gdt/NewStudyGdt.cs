namespace OrthancPortal.Features.Gdt;

/// <summary>What a new-study GDT record says about a study. Any part may be empty: a missing tag never loses the record.</summary>
public sealed record GdtStudy(string PatientId, string Accession, string StudyDate, string StudyTime, string Modality, string Description,
    string LastName = "", string FirstName = "", string BirthDate = "")
{
    /// <summary>The name and birth date from DICOM values (PatientName Last^First, PatientBirthDate yyyyMMdd).</summary>
    public GdtStudy WithPatient(string dicomName, string dicomBirthDate)
    {
        var parts = dicomName.Split('=')[0].Split('^');
        return this with { LastName = parts[0].Trim(), FirstName = parts.Length > 1 ? parts[1].Trim() : "", BirthDate = dicomBirthDate };
    }
}

/// <summary>
/// The record an AIS imports when a study arrives (or is scheduled): 6310 "Daten einer Untersuchung
/// übermitteln", with what the AIS needs to show an entry and open a viewer (patient, date, time, accession).
/// </summary>
public static class NewStudyGdt
{
    public const string RecordType = "6310";

    public static GdtRecord Build(GdtStudy study, string testId, string testDescription) => new(
        RecordType,
        Patient(study),
        [[
            new("8410", testId),          // Test-Ident
            new("8411", testDescription), // Testbezeichnung
            new("8413", study.Accession), // Test-Ident (geräteseitig)
            new("8428", study.Accession), // Probenmaterial-Ident: the study's accession number
            new("8432", GdtDates.Date(study.StudyDate)), // Abnahme-Datum
            new("8439", GdtDates.Time(study.StudyTime)), // Abnahme-Zeit
            new("6228", $"{study.Accession} / {study.Modality}: {study.Description}"), // Ergebnistext
        ]]);

    private static IReadOnlyList<GdtField> Patient(GdtStudy study)
    {
        List<GdtField> fields = [new("3000", study.PatientId)]; // Patientennummer
        // The AIS files the record by 3000; name and birth date let it show (and check) whom the record is for.
        if (study.LastName.Length > 0) fields.Add(new("3101", study.LastName)); // Name des Patienten
        if (study.FirstName.Length > 0) fields.Add(new("3102", study.FirstName)); // Vorname des Patienten
        if (GdtDates.Date(study.BirthDate) is { Length: > 0 } born) fields.Add(new("3103", born)); // Geburtsdatum
        return fields;
    }
}

public static class GdtDates
{
    /// <summary>DICOM yyyyMMdd to GDT ddMMyyyy; anything else gives an empty value.</summary>
    public static string Date(string dicomDate)
    {
        var d = dicomDate.Trim();
        return d.Length == 8 && d.All(char.IsAsciiDigit) ? d[6..8] + d[4..6] + d[..4] : "";
    }

    /// <summary>DICOM HHmmss[.ffffff] (or HHmm) to GDT HHmmss.</summary>
    public static string Time(string dicomTime)
    {
        var t = dicomTime.Trim().Split('.')[0];
        if (!t.All(char.IsAsciiDigit)) return "";
        return t.Length switch { >= 6 => t[..6], 4 => t + "00", 2 => t + "0000", _ => "" };
    }
}
