using System.Text;
using OrthancPortal.Features.Robots;

namespace OrthancPortal.Tests.Features.Robots;

public sealed class QueryListCsvTests
{
    private static Task<CsvImport> Read(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bom) bytes = [.. Encoding.UTF8.GetPreamble(), .. bytes];
        return QueryListCsv.ReadAsync(new MemoryStream(bytes));
    }

    [Fact]
    public async Task Reads_semicolons_a_BOM_and_quoted_fields()
    {
        var import = await Read(
            "Patient Name;Patient ID;Accession Number;Date From;Date To;Study Description;Modalities;AET;Study Instance UID;Series Instance UID\r\n" +
            "\"Weiß^Lena\";P1;;20240101;2024-12-31;\"CT; Thorax\";CT MR;;;\r\n", bom: true);
        import.Errors.ShouldBeEmpty();
        import.EncodingName.ShouldBe("UTF-8 (with BOM)");
        var row = import.Rows.ShouldHaveSingleItem();
        row.PatientName.ShouldBe("Weiß^Lena");
        row.StudyDescription.ShouldBe("CT; Thorax");
        var (criteria, _) = row.ToCriteria();
        criteria!.DicomDateRange.ShouldBe("20240101-20241231");
        criteria.ModalityList.ShouldBe(["CT", "MR"]);
    }

    [Fact]
    public async Task Reports_each_bad_row_by_its_line_number_and_keeps_the_good_ones()
    {
        var import = await Read(
            "Patient ID,Date From,Modalities,Study Instance UID\n" +
            "P1,,,\n" +
            "P2,31.02.2024,,\n" +
            ",,,\n" +
            "P4,,C-T,\n" +
            "P5,,,1.2.abc\n" +
            "P6,20240101,,\n");
        import.Rows.Select(r => r.PatientId).ShouldBe(["P1", "P6"]);
        import.Errors.Select(e => e.Line).ShouldBe([3, 5, 6]);
        import.Errors[0].Message.ShouldContain("31.02.2024");
    }

    [Fact]
    public async Task Writes_what_it_reads_with_a_BOM_and_all_ten_columns()
    {
        var rows = new[] { new QueryListRow { PatientName = "Muster, Anna", PatientId = "P1", Modalities = "CT", DateFrom = "20240101" } };
        var bytes = QueryListCsv.Write(rows);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        Encoding.UTF8.GetString(bytes).ShouldContain("\"Muster, Anna\"");
        var back = await QueryListCsv.ReadAsync(new MemoryStream(bytes));
        back.Errors.ShouldBeEmpty();
        back.Rows.ShouldHaveSingleItem().Values().ShouldBe(rows[0].Values());
    }

    [Fact]
    public async Task A_German_Excel_CSV_in_Windows_1252_keeps_its_umlauts_and_says_so()
    {
        // What German Excel's "CSV (Trennzeichen-getrennt)" writes: semicolons, no BOM, Windows-1252.
        var text = "Patient Name;Patient ID;Study Description\r\nMüller^Jürgen;P1;Schädel nativ\r\nWeiß^Anna;P2;Knie\r\n";
        var bytes = OrthancPortal.Infrastructure.Text.LegacyEncodings.For(1252).GetBytes(text);
        bytes.ShouldContain((byte)0xFC);
        var import = await QueryListCsv.ReadAsync(new MemoryStream(bytes));
        import.Errors.ShouldBeEmpty();
        import.EncodingName.ShouldBe("Windows-1252");
        import.Rows.Select(r => r.PatientName).ShouldBe(["Müller^Jürgen", "Weiß^Anna"]);
        import.Rows[0].StudyDescription.ShouldBe("Schädel nativ");
        import.Rows.ShouldAllBe(r => !r.PatientName.Contains('\uFFFD'));
    }

    [Fact]
    public async Task UTF8_without_a_BOM_is_read_as_UTF8()
    {
        var import = await Read("Patient Name,Patient ID\nMüller^Jürgen,P1\n");
        import.EncodingName.ShouldBe("UTF-8");
        import.Rows.ShouldHaveSingleItem().PatientName.ShouldBe("Müller^Jürgen");
    }

    [Fact]
    public async Task An_unterminated_quote_is_an_error_on_its_line_and_the_next_lines_still_count()
    {
        var import = await Read(
            "Patient Name;Patient ID;Study Description\r\n" +
            "\"Muster^Anna;P1;CT\r\n" +
            "Muster^Bernd;P2;MR\r\n" +
            "Muster^Carl;P3;\"US\r\n" +
            "Muster^Dora;P4;CT\r\n", bom: true);
        import.Rows.Select(r => r.PatientId).ShouldBe(["P2", "P4"]);
        import.Errors.Select(e => e.Line).ShouldBe([2, 4]);
        import.Errors.ShouldAllBe(e => e.Message.Contains("not closed"));
        import.Errors[0].ToString().ShouldStartWith("Line 2:");
    }
}
