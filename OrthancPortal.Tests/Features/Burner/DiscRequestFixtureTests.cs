using System.Text;
using OrthancPortal.Features.Burner;

namespace OrthancPortal.Tests.Features.Burner;

/// <summary>
/// The writer's bytes against files typed from the vendors' documents (Fixtures/README.md names each source):
/// encoding, CRLF, keys, and paths mapped from the portal's folder to the disc software's.
/// </summary>
public sealed class DiscRequestFixtureTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Features", "Burner", "Fixtures", name));

    // The portal's /srv/burner is the disc software's C:\, so the guide's C:\Datafile\... paths come out.
    private static readonly DiscPathMapper ToDriveC = new("/srv/burner", @"C:\");

    private static readonly DiscLabel Mueller = new("Müller Jürgen", "P001", "12.03.1965", [new LabelStudy("01.02.2024", "CT Thorax", "ACC1", "CT")]);

    private static void ShouldMatch(byte[] actual, string fixture)
    {
        var expected = Fixture(fixture);
        // Shown as text with the line ends visible, so a failure says which line differs.
        static string Show(byte[] b) => Encoding.Latin1.GetString(b).Replace("\r", "\\r").Replace("\n", "\\n\n");
        Show(actual).ShouldBe(Show(expected));
        actual.ShouldBe(expected);
    }

    [Fact]
    public void The_JDF_of_TD_Bridge_s_data_CD_example_comes_out_byte_for_byte()
    {
        var request = new DiscRequest("001", DiscRequestWriter.DiscTypeValue(DiscProducer.Epson, DiscKind.CD), null,
            ToDriveC.Map("/srv/burner/Datafile/patient1"), ToDriveC.Map("/srv/burner/Datafile/image1.tdd"), ToDriveC.Map("/srv/burner/Datafile/print.dat"), Mueller)
        {
            Publisher = "Publisher 0", Copies = 10, OutStacker = 2, Format = "ISO9660L2", VolumeLabel = "PCdatadisc",
        };
        ShouldMatch(DiscRequestWriter.Encode(DiscRequestWriter.EpsonJdf(request), DiscFileEncoding.Windows1252), "tdbridge-job-001.JDF");
    }

    [Fact]
    public void The_replace_field_file_is_ANSI_so_TD_Bridge_prints_the_umlauts()
    {
        var bytes = DiscRequestWriter.Encode(DiscRequestWriter.EpsonDat(Mueller), DiscFileEncoding.Windows1252);
        ShouldMatch(bytes, "tdbridge-print.dat");
        bytes.ShouldContain((byte)0xFC, "ü is one Windows-1252 byte, not UTF-8's C3 BC that an ANSI reader prints as Ã¼");
    }

    [Fact]
    public void The_JCF_of_the_guide_s_cancel_example_comes_out_byte_for_byte()
        => ShouldMatch(DiscRequestWriter.Encode(DiscRequestWriter.CancelRequest(DiscProducer.Epson, "003"), DiscFileEncoding.Windows1252), "tdbridge-cancel-003.JCF");

    [Fact]
    public void The_PTM_of_the_SDK_s_abort_example_names_the_client_and_comes_out_byte_for_byte()
        => ShouldMatch(DiscRequestWriter.Encode(DiscRequestWriter.CancelRequest(DiscProducer.Primera, "MyJob1", "Kevin"), DiscFileEncoding.Windows1252), "ptburn-abort-MyJob1.PTM");

    [Fact]
    public void The_JRQ_uses_the_SDK_s_disc_type_and_mapped_paths_and_comes_out_byte_for_byte()
    {
        var request = new DiscRequest("MyJob1", DiscRequestWriter.DiscTypeValue(DiscProducer.Primera, DiscKind.DVD), null,
            ToDriveC.Map("/srv/burner/MyFolder1"), ToDriveC.Map("/srv/burner/MyLabel.std"), "unused", Mueller)
        {
            ClientId = "Kevin", Copies = 5, VolumeLabel = "MyDisc1",
        };
        ShouldMatch(DiscRequestWriter.Encode(DiscRequestWriter.PrimeraJrq(request), DiscFileEncoding.Windows1252), "ptburn-MyJob1.JRQ");
    }

    [Theory]
    [InlineData(DiscProducer.Epson, DiscKind.CD, "CD")]
    [InlineData(DiscProducer.Epson, DiscKind.DVD, "DVD")]
    [InlineData(DiscProducer.Primera, DiscKind.CD, "CDR")]
    [InlineData(DiscProducer.Primera, DiscKind.DVD, "DVDR")]
    public void Disc_types_are_spelled_as_each_vendor_lists_them(DiscProducer producer, DiscKind kind, string expected)
        => DiscRequestWriter.DiscTypeValue(producer, kind).ShouldBe(expected);

    [Theory]
    [InlineData("/srv/burner", @"\\burnpc\jobs", "/srv/burner/OrthancPortal-jobs/CD_1/DICOM", @"\\burnpc\jobs\OrthancPortal-jobs\CD_1\DICOM")]
    [InlineData("/srv/burner/", @"\\burnpc\jobs\", "/srv/burner/viewer", @"\\burnpc\jobs\viewer")]
    [InlineData("/srv/burner", @"D:\", "/srv/burner/x/label.tdd", @"D:\x\label.tdd")]
    [InlineData("/srv/burner", "D:", "/srv/burner/x", @"D:\x")]
    [InlineData("/srv/burner", @"D:\jobs", "/srv/burner", @"D:\jobs")]
    [InlineData("/srv/burner", "/mnt/burner", "/srv/burner/a/b", "/mnt/burner/a/b")]
    public void Portal_paths_are_mapped_to_the_disc_software_s_view(string portal, string disc, string path, string expected)
        => new DiscPathMapper(portal, disc).Map(path).ShouldBe(expected);

    [Theory]
    [InlineData("/srv/other/x")]
    [InlineData("/srv/burnerx/x")]
    [InlineData("/srv/burner/../etc/passwd")]
    [InlineData("relative/path")]
    public void A_path_outside_the_mapped_folder_is_refused_with_a_reason(string path)
    {
        var mapper = new DiscPathMapper("/srv/burner", @"\\burnpc\jobs");
        mapper.Problem(path).ShouldNotBeNull();
        Should.Throw<BurnerException>(() => mapper.Map(path)).Message.ShouldContain("path mapping");
    }

    [Fact]
    public void Characters_outside_Windows_1252_become_their_base_letter_or_a_question_mark_never_invalid_bytes()
    {
        var bytes = DiscRequestWriter.Encode("patientName=Łukasz Dvořák 😀 Ørsted\r\n", DiscFileEncoding.Windows1252);
        Encoding.Latin1.GetString(bytes).ShouldBe("patientName=?ukasz Dvor\u00e1k ? \u00d8rsted\r\n");
    }

    [Fact]
    public void UTF8_with_a_BOM_is_there_for_Unicode_builds()
        => DiscRequestWriter.Encode("a=ü\r\n", DiscFileEncoding.Utf8WithBom).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', (byte)'=', 0xC3, 0xBC, 0x0D, 0x0A });

    [Theory]
    [InlineData(DiscProducer.Epson, "label.tdd", true)]
    [InlineData(DiscProducer.Epson, "label.TDD", true)]
    [InlineData(DiscProducer.Epson, "label.std", false)]
    [InlineData(DiscProducer.Primera, "label.std", true)]
    [InlineData(DiscProducer.Primera, "label.tdd", false)]
    [InlineData(DiscProducer.Primera, "label.jpg", true)]
    public void Label_templates_are_checked_against_the_producer(DiscProducer producer, string file, bool fits)
    {
        var problem = BurnerSettings.LabelProblem(producer, file);
        (problem is null).ShouldBe(fits);
        if (!fits) problem!.ShouldContain(producer == DiscProducer.Epson ? "Epson" : "Primera");
    }

    [Fact]
    public void Settings_validation_refuses_an_Epson_template_for_Primera_and_paths_outside_the_mapping()
    {
        var folder = Harness.TestEnvironment.NewTempFolder("burner-settings");
        try
        {
            var label = Path.Combine(folder, "patient.tdd");
            File.WriteAllText(label, "");
            var settings = new BurnerSettings { MonitoredFolder = folder, LabelFile = label, Manufacturer = DiscProducer.Primera };
            var errors = new BurnerSettings.Validator().Validate(settings).Errors.Select(e => e.ErrorMessage).ToList();
            errors.ShouldContain(e => e.Contains(".tdd") && e.Contains("Primera"));

            settings = new BurnerSettings { MonitoredFolder = folder, PortalPathPrefix = "/srv/elsewhere", DiscSoftwarePathPrefix = @"\\burnpc\jobs" };
            errors = new BurnerSettings.Validator().Validate(settings).Errors.Select(e => e.ErrorMessage).ToList();
            errors.ShouldContain(e => e.StartsWith("Monitored folder:") && e.Contains("/srv/elsewhere"));

            settings = new BurnerSettings { MonitoredFolder = folder, PortalPathPrefix = folder, DiscSoftwarePathPrefix = "burnpc/jobs" };
            new BurnerSettings.Validator().Validate(settings).Errors.ShouldContain(e => e.ErrorMessage.Contains("UNC"));

            settings = new BurnerSettings { MonitoredFolder = folder, PortalPathPrefix = folder, DiscSoftwarePathPrefix = @"\\burnpc\jobs" };
            new BurnerSettings.Validator().Validate(settings).IsValid.ShouldBeTrue();
        }
        finally { Harness.TestEnvironment.DeleteQuietly(folder); }
    }
}
