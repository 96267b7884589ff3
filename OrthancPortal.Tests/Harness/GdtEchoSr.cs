using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Harness;

/// <summary>A synthetic adult echocardiography report (Comprehensive SR, TID 5200) with NUM measurements, for the GDT tests.</summary>
public static class GdtEchoSr
{
    public const string ComprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33";

    public sealed record Measurement(string Code, string Meaning, string Value, string Unit);

    public static DicomDataset Build(SyntheticPatient patient, string studyUid, string accession, string sopUid, string imageMode, IReadOnlyList<Measurement> measurements)
    {
        var items = new List<DicomDataset>
        {
            ContentItem("HAS ACQ CONTEXT", "CODE", Code("G-0373", "SRT", "Image Mode"))
                .AddSequence(0x0040, 0xA168, Code("G-03A2", "SRT", imageMode)),
        };
        foreach (var m in measurements)
        {
            items.Add(ContentItem("CONTAINS", "NUM", Code(m.Code, "LN", m.Meaning))
                .AddSequence(0x0040, 0xA300, new DicomDataset()
                    .AddSequence(0x0040, 0x08EA, Code(m.Unit, "UCUM", m.Unit))
                    .Add(0x0040, 0xA30A, "DS", m.Value)));
        }
        var group = ContentItem("CONTAINS", "CONTAINER", Code("125007", "DCM", "Measurement Group")).Add(0x0040, 0xA050, "CS", "SEPARATE")
            .AddSequence(0x0040, 0xA730, [.. items]);
        var section = ContentItem("CONTAINS", "CONTAINER", Code("T-32600", "SRT", "Left Ventricle")).Add(0x0040, 0xA050, "CS", "SEPARATE")
            .AddSequence(0x0040, 0xA730, group);
        var today = DateTime.Today.ToString("yyyyMMdd");
        return new DicomDataset()
            .Add(0x0008, 0x0005, "CS", "ISO_IR 192")
            .Add(0x0008, 0x0016, "UI", ComprehensiveSr)
            .Add(0x0008, 0x0018, "UI", sopUid)
            .Add(0x0008, 0x0020, "DA", today)
            .Add(0x0008, 0x0023, "DA", today)
            .Add(0x0008, 0x0030, "TM", "101500")
            .Add(0x0008, 0x0033, "TM", "102000")
            .Add(0x0008, 0x0050, "SH", accession)
            .Add(0x0008, 0x0060, "CS", "SR")
            .Add(0x0010, 0x0010, "PN", patient.Name)
            .Add(0x0010, 0x0020, "LO", patient.PatientId)
            .Add(0x0010, 0x0030, "DA", patient.BirthDate)
            .Add(0x0010, 0x0040, "CS", patient.Sex)
            .Add(0x0020, 0x000D, "UI", studyUid)
            .Add(0x0020, 0x000E, "UI", DicomFileWriter.NewUid())
            .Add(0x0020, 0x0010, "SH", "1")
            .Add(0x0020, 0x0011, "IS", "99")
            .Add(0x0020, 0x0013, "IS", "1")
            .Add(0x0040, 0xA040, "CS", "CONTAINER")
            .AddSequence(0x0040, 0xA043, Code("125200", "DCM", "Adult Echocardiography Procedure Report"))
            .Add(0x0040, 0xA050, "CS", "SEPARATE")
            .Add(0x0040, 0xA491, "CS", "COMPLETE")
            .Add(0x0040, 0xA493, "CS", "UNVERIFIED")
            .AddSequence(0x0040, 0xA504, new DicomDataset().Add(0x0008, 0x0105, "CS", "DCMR").Add(0x0040, 0xDB00, "CS", "5200"))
            .AddSequence(0x0040, 0xA730, section);
    }

    /// <summary>Writes the SR to a file and sends it with storescu.</summary>
    public static async Task SendAsync(DicomDataset sr, string sopUid, int port, string calledAet)
    {
        var folder = TestEnvironment.NewTempFolder("sr");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "sr.dcm"), DicomFileWriter.Write(sr, ComprehensiveSr, sopUid));
            await StoreScu.SendAsync(folder, port, calledAet);
        }
        finally
        {
            TestEnvironment.DeleteQuietly(folder);
        }
    }

    private static DicomDataset Code(string value, string scheme, string meaning)
        => new DicomDataset().Add(0x0008, 0x0100, "SH", value).Add(0x0008, 0x0102, "SH", scheme).Add(0x0008, 0x0104, "LO", meaning);

    private static DicomDataset ContentItem(string relationship, string valueType, DicomDataset concept)
        => new DicomDataset().Add(0x0040, 0xA010, "CS", relationship).Add(0x0040, 0xA040, "CS", valueType).AddSequence(0x0040, 0xA043, concept);
}
