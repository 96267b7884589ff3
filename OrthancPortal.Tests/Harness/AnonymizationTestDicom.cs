using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// Test studies for anonymization: the synthetic CT of <see cref="TestDicom"/> plus a private block
/// (0009,0010 creator, 0009,1001 value), series/acquisition dates, and optionally a Secondary Capture series.
/// </summary>
public static class AnonymizationTestDicom
{
    public const string PrivateCreator = "PORTALTEST";
    public const string PrivateValue = "private-secret";

    public static SyntheticStudy Study(string patientId, string name, string date = "20230517", bool withSecondaryCapture = false)
    {
        var patient = TestDicom.Patient(patientId, name, "19650312", "F");
        var ct = TestDicom.Study(patient, "CT", instances: 2, date: date, description: "CT Thorax");
        if (!withSecondaryCapture) return ct;
        var sc = new SyntheticSeries(DicomFileWriter.NewUid(), "OT", 2, "Screenshot", TestDicom.SecondaryCaptureStorage, 1, 1);
        return ct with { Series = [.. ct.Series, sc] };
    }

    public static async Task SendAsync(SyntheticStudy study, OrthancProcess orthanc)
    {
        var folder = TestEnvironment.NewTempFolder("anon");
        try
        {
            foreach (var series in study.Series)
            {
                for (var i = 1; i <= series.Instances; i++)
                {
                    var sopUid = DicomFileWriter.NewUid();
                    var ds = TestDicom.Instance(study, series, i, sopUid)
                        .Add(0x0008, 0x0021, "DA", study.Date)
                        .Add(0x0008, 0x0022, "DA", study.Date)
                        .Add(0x0008, 0x0023, "DA", study.Date)
                        .Add(0x0009, 0x0010, "LO", PrivateCreator)
                        .Add(0x0009, 0x1001, "LO", PrivateValue);
                    await File.WriteAllBytesAsync(Path.Combine(folder, $"{series.Number}-{i}.dcm"), DicomFileWriter.Write(ds, series.SopClassUid, sopUid));
                }
            }
            await StoreScu.SendAsync(folder, orthanc.DicomPort, orthanc.Aet);
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }
}
