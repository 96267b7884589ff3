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
}
