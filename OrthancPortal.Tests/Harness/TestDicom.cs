using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Harness;

public sealed record SyntheticPatient(string PatientId, string Name, string BirthDate, string Sex);

public sealed record SyntheticSeries(string SeriesUid, string Modality, int Number, string Description, string SopClassUid, int Instances, int Frames);

public sealed record SyntheticStudy(SyntheticPatient Patient, string StudyUid, string Date, string Time, string Description, string Accession, string StudyId, IReadOnlyList<SyntheticSeries> Series)
{
    public int InstanceCount => Series.Sum(s => s.Instances);
}

/// <summary>
/// Synthetic DICOM made at test time (no patient data is committed): CT series of N slices, MR, and a
/// multi-frame US, with small real pixel data so Orthanc can render previews.
/// </summary>
public static class TestDicom
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string UsMultiframeStorage = "1.2.840.10008.5.1.4.1.1.3.1";
    public const string SecondaryCaptureStorage = "1.2.840.10008.5.1.4.1.1.7";

    private static int accessionCounter = Environment.ProcessId % 1000 * 1000;

    public static SyntheticPatient Patient(string id, string name, string birthDate = "19700101", string sex = "O") => new(id, name, birthDate, sex);

    public static SyntheticStudy Study(SyntheticPatient patient, string modality, int instances = 3, string? date = null, string? description = null,
        string? accession = null, int frames = 1, int seriesCount = 1)
    {
        var sopClass = modality switch { "CT" => CtImageStorage, "MR" => MrImageStorage, "US" => UsMultiframeStorage, _ => SecondaryCaptureStorage };
        if (modality == "US" && frames == 1) frames = 3;
        var series = Enumerable.Range(1, seriesCount)
            .Select(n => new SyntheticSeries(DicomFileWriter.NewUid(), modality, n, $"{modality} series {n}", sopClass, instances, frames))
            .ToList();
        var number = Interlocked.Increment(ref accessionCounter);
        return new SyntheticStudy(patient, DicomFileWriter.NewUid(), date ?? DateTime.Today.ToString("yyyyMMdd"), "101500",
            description ?? $"{modality} study", accession ?? $"ACC{number:D7}", $"{number % 100000}", series);
    }

    /// <summary>Three patients: a 5-slice CT, a 3-image MR and a 3-frame US.</summary>
    public static IReadOnlyList<SyntheticStudy> StandardSet(string prefix = "") =>
    [
        Study(Patient($"{prefix}P001", "Muster^Anna", "19650312", "F"), "CT", instances: 5, description: "CT Thorax"),
        Study(Patient($"{prefix}P002", "Schmidt^Jürgen", "19801124", "M"), "MR", instances: 3, description: "MR Knie"),
        Study(Patient($"{prefix}P003", "Weiß^Lena", "19921005", "F"), "US", instances: 1, frames: 3, description: "US Abdomen"),
    ];

    /// <summary>Writes one file per instance into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteFiles(SyntheticStudy study, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var series in study.Series)
        {
            for (var i = 1; i <= series.Instances; i++)
            {
                var sopUid = DicomFileWriter.NewUid();
                var bytes = DicomFileWriter.Write(Instance(study, series, i, sopUid), series.SopClassUid, sopUid);
                var path = Path.Combine(folder, $"{study.Accession}-{series.Number}-{i}.dcm");
                File.WriteAllBytes(path, bytes);
                paths.Add(path);
            }
        }
        return paths;
    }

    public static DicomDataset Instance(SyntheticStudy study, SyntheticSeries series, int number, string sopUid)
    {
        const int size = 16;
        var pixels = new byte[size * size * series.Frames];
        for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)((p * 7 + number * 31) % 256);
        var ds = new DicomDataset()
            .Add(0x0008, 0x0005, "CS", "ISO_IR 192")
            .Add(0x0008, 0x0016, "UI", series.SopClassUid)
            .Add(0x0008, 0x0018, "UI", sopUid)
            .Add(0x0008, 0x0020, "DA", study.Date)
            .Add(0x0008, 0x0030, "TM", study.Time)
            .Add(0x0008, 0x0050, "SH", study.Accession)
            .Add(0x0008, 0x0060, "CS", series.Modality)
            .Add(0x0008, 0x0070, "LO", "OrthancPortal tests")
            .Add(0x0008, 0x1030, "LO", study.Description)
            .Add(0x0008, 0x103E, "LO", series.Description)
            .Add(0x0010, 0x0010, "PN", study.Patient.Name)
            .Add(0x0010, 0x0020, "LO", study.Patient.PatientId)
            .Add(0x0010, 0x0030, "DA", study.Patient.BirthDate)
            .Add(0x0010, 0x0040, "CS", study.Patient.Sex)
            .Add(0x0010, 0x1030, "DS", "72.5")
            .Add(0x0020, 0x000D, "UI", study.StudyUid)
            .Add(0x0020, 0x000E, "UI", series.SeriesUid)
            .Add(0x0020, 0x0010, "SH", study.StudyId)
            .Add(0x0020, 0x0011, "IS", series.Number.ToString())
            .Add(0x0020, 0x0013, "IS", number.ToString())
            .AddUInt16(0x0028, 0x0002, 1)
            .Add(0x0028, 0x0004, "CS", "MONOCHROME2")
            .AddUInt16(0x0028, 0x0010, size)
            .AddUInt16(0x0028, 0x0011, size)
            .AddUInt16(0x0028, 0x0100, 8)
            .AddUInt16(0x0028, 0x0101, 8)
            .AddUInt16(0x0028, 0x0102, 7)
            .AddUInt16(0x0028, 0x0103, 0)
            .AddBytes(0x7FE0, 0x0010, "OB", pixels);
        if (series.Frames > 1) ds.Add(0x0028, 0x0008, "IS", series.Frames.ToString());
        return ds;
    }

    /// <summary>Writes the study's files to a temporary folder and sends them with dcmtk's storescu.</summary>
    public static async Task SendAsync(SyntheticStudy study, int port, string calledAet)
    {
        var folder = TestEnvironment.NewTempFolder("send");
        try
        {
            WriteFiles(study, folder);
            await StoreScu.SendAsync(folder, port, calledAet);
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }
}

/// <summary>dcmtk's storescu as a modality sending to Orthanc.</summary>
public static class StoreScu
{
    public static Task SendAsync(string folderOrFile, int port, string calledAet, string callingAet = "STORESCU")
        => TestEnvironment.RunAsync("storescu", ["-aet", callingAet, "-aec", calledAet, "+sd", "+r", "127.0.0.1", port.ToString(), folderOrFile]);
}
