using System.IO.Compression;
using OrthancPortal.Features.Burner;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Burner;

public sealed class DiscRequestWriterTests
{
    private static readonly DiscLabel TwoStudies = new("Muster Anna", "P001", "12.03.1965",
    [
        new LabelStudy("01.02.2024", "CT Thorax", "ACC1", "CT"),
        new LabelStudy("05.02.2024", "MR Knie", "ACC2", "MR,SR"),
    ]);

    private static DiscRequest Request(string? label = @"C:\labels\patient.tdd") => new(
        "CD_20240205101500_000042", "DVD", @"C:\viewer", @"C:\burner\OrthancPortal-jobs\CD_20240205101500_000042_Muster_Anna\DICOM",
        label, @"C:\burner\OrthancPortal-jobs\CD_20240205101500_000042_Muster_Anna\DAT_20240205101500_000042.DAT", TwoStudies);

    [Fact]
    public void Epson_JDF_for_a_two_study_patient_has_the_documented_keys_in_order()
    {
        DiscRequestWriter.EpsonJdf(Request()).ShouldBe(
            "JOB_ID=CD_20240205101500_000042\r\n" +
            "COPIES=1\r\n" +
            "DISC_TYPE=DVD\r\n" +
            "FORMAT=UDF102\r\n" +
            "DATA=C:\\viewer\r\n" +
            "DATA=C:\\burner\\OrthancPortal-jobs\\CD_20240205101500_000042_Muster_Anna\\DICOM\r\n" +
            "LABEL=C:\\labels\\patient.tdd\r\n" +
            "REPLACE_FIELD=C:\\burner\\OrthancPortal-jobs\\CD_20240205101500_000042_Muster_Anna\\DAT_20240205101500_000042.DAT\r\n");
    }

    [Fact]
    public void Epson_DAT_for_a_two_study_patient_numbers_the_second_study()
    {
        DiscRequestWriter.EpsonDat(TwoStudies).ShouldBe(
            "patientName=Muster Anna\r\n" +
            "patientId=P001\r\n" +
            "patientDOB=12.03.1965\r\n" +
            "numberOfStudies=2\r\n" +
            "studyDate=01.02.2024\r\n" +
            "studyDescription=CT Thorax\r\n" +
            "accessionNumber=ACC1\r\n" +
            "modalities=CT,MR,SR\r\n" +
            "studyDate2=05.02.2024\r\n" +
            "studyDescription2=MR Knie\r\n" +
            "accessionNumber2=ACC2\r\n");
    }

    [Fact]
    public void Primera_JRQ_for_a_two_study_patient_has_the_merge_fields_in_label_order()
    {
        DiscRequestWriter.PrimeraJrq(Request(@"C:\labels\patient.std") with { DiscType = "DVDR" }).ShouldBe(
            "JobID = CD_20240205101500_000042\r\n" +
            "ClientID = OrthancPortal\r\n" +
            "Copies = 1\r\n" +
            "DiscType = DVDR\r\n" +
            "DataImageType = UDF\r\n" +
            "Data = C:\\viewer\r\n" +
            "Data = C:\\burner\\OrthancPortal-jobs\\CD_20240205101500_000042_Muster_Anna\\DICOM\r\n" +
            "RejectIfNotBlank = YES\r\n" +
            "CloseDisc = YES\r\n" +
            "VerifyDisc = YES\r\n" +
            "PrintQuality = 1\r\n" +
            "PrintLabel = C:\\labels\\patient.std\r\n" +
            "MergeField = Muster Anna\r\n" +
            "MergeField = P001\r\n" +
            "MergeField = 01.02.2024, 05.02.2024\r\n" +
            "MergeField = CT Thorax / MR Knie\r\n" +
            "MergeField = 12.03.1965\r\n" +
            "MergeField = ACC1, ACC2\r\n" +
            "MergeField = 2\r\n" +
            "MergeField = CT,MR,SR\r\n");
    }

    [Fact]
    public void Without_a_viewer_or_label_the_request_names_only_the_DICOM_folder()
    {
        var r = Request(label: null) with { ViewerFolder = null };
        DiscRequestWriter.EpsonJdf(r).ShouldBe("JOB_ID=CD_20240205101500_000042\r\nCOPIES=1\r\nDISC_TYPE=DVD\r\nFORMAT=UDF102\r\nDATA=" + r.DicomFolder + "\r\n");
        DiscRequestWriter.PrimeraJrq(r).ShouldNotContain("MergeField");
        DiscRequestWriter.PrimeraJrq(r).ShouldNotContain("PrintLabel");
    }

    [Fact]
    public void Cancel_requests_match_each_producer()
    {
        DiscRequestWriter.CancelRequest(DiscProducer.Epson, "CD_1").ShouldBe("[CANCEL]\r\nJOB_ID=CD_1\r\n");
        DiscRequestWriter.CancelRequest(DiscProducer.Primera, "CD_1").ShouldBe("Message = ABORT\r\nClientID = OrthancPortal\r\n");
        DiscRequestWriter.CancelExtension(DiscProducer.Epson).ShouldBe(".JCF");
        DiscRequestWriter.CancelExtension(DiscProducer.Primera).ShouldBe(".PTM");
    }

    [Theory]
    [InlineData("Muster^Anna", "Muster Anna")]
    [InlineData("Evil\r\nLABEL=C:\\x.tdd", "Evil LABEL=C:, x.tdd")]
    [InlineData("CT\\MR", "CT, MR")]
    [InlineData("  tab\there  ", "tab here")]
    [InlineData(null, "")]
    public void Label_values_cannot_start_a_new_line_in_the_request(string? raw, string expected)
    {
        DiscRequestWriter.Value(raw).ShouldBe(expected);
    }

    [Fact]
    public void An_injected_key_in_a_patient_name_stays_a_value()
    {
        var label = TwoStudies with { PatientName = "Doe^John\nJOB_ID=HACK" };
        var dat = DiscRequestWriter.EpsonDat(label);
        dat.Split("\r\n").Count(l => l.StartsWith("JOB_ID")).ShouldBe(0);
        dat.ShouldContain("patientName=Doe John JOB_ID=HACK\r\n");
    }

    [Theory]
    [InlineData("Weiß^Lena", "Wei_Lena")]
    [InlineData("Müller/..\\..:*?\"<>|", "Muller")]
    [InlineData("", "unknown")]
    [InlineData("CON", "CON")]
    public void File_name_parts_from_DICOM_have_no_path_or_illegal_characters(string raw, string expected)
    {
        var part = DiscRequestWriter.FileNamePart(raw);
        part.ShouldBe(expected);
        part.IndexOfAny(Path.GetInvalidFileNameChars().Concat(['\\', ':', '*', '?', '"', '<', '>', '|', '.']).ToArray()).ShouldBe(-1);
    }

    [Fact]
    public async Task Unzip_refuses_an_entry_that_climbs_out_of_the_job_folder()
    {
        var folder = TestEnvironment.NewTempFolder("zipslip");
        try
        {
            var zip = Path.Combine(folder, "evil.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                using (var w = new StreamWriter(archive.CreateEntry("IMAGES/OK").Open())) w.Write("fine");
                using (var w = new StreamWriter(archive.CreateEntry("../../escaped.txt").Open())) w.Write("bad");
            }
            var target = Path.Combine(folder, "out");
            Directory.CreateDirectory(target);
            var ex = await Should.ThrowAsync<BurnerException>(() => DiscBuilder.UnzipAsync(zip, target, CancellationToken.None));
            ex.Message.ShouldContain("outside");
            File.Exists(Path.Combine(folder, "..", "escaped.txt")).ShouldBeFalse();
            File.Exists(Path.Combine(target, "IMAGES", "OK")).ShouldBeTrue();
        }
        finally { TestEnvironment.DeleteQuietly(folder); }
    }
}
