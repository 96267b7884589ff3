using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Tests.Infrastructure.Text;

public sealed class CsvCellsTests
{
    // OWASP CSV Injection: cells starting with = + - @ tab or carriage return.
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("", "")]
    [InlineData("PAT-001", "PAT-001")]
    [InlineData("Smith=Jones", "Smith=Jones")]
    [InlineData(" =1", " =1")]
    public void Neutralizes_cells_a_spreadsheet_would_run(string value, string expected)
        => CsvCells.Neutralize(value).ShouldBe(expected);

    [Fact]
    public void Null_stays_null() => CsvCells.NeutralizeOrNull(null).ShouldBeNull();
}
