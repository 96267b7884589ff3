using System.Text.Json.Nodes;
using OrthancPortal.Features.Gdt;

namespace OrthancPortal.Tests.Features.Gdt;

/// <summary>The content-tree walk on Orthanc's JSON tag format (the TID 5200 path is also tested end to end through Orthanc).</summary>
public sealed class SrMeasurementReaderTests
{
    private static JsonObject S(string value) => new() { ["Type"] = "String", ["Value"] = value };
    private static JsonObject Seq(params JsonObject[] items) => new() { ["Type"] = "Sequence", ["Value"] = new JsonArray(items) };
    private static JsonObject Code(string code, string meaning) => new() { ["0008,0100"] = S(code), ["0008,0104"] = S(meaning) };

    private static JsonObject Item(string valueType, string code, string meaning, Action<JsonObject>? more = null)
    {
        var item = new JsonObject { ["0040,a040"] = S(valueType), ["0040,a043"] = Seq(Code(code, meaning)) };
        more?.Invoke(item);
        return item;
    }

    private static JsonObject Num(string code, string meaning, string value, string unit)
        => Item("NUM", code, meaning, i => i["0040,a300"] = Seq(new JsonObject { ["0040,a30a"] = S(value), ["0040,08ea"] = Seq(Code(unit, unit)) }));

    private static JsonObject Text(string code, string value) => Item("TEXT", code, code, i => i["0040,a160"] = S(value));

    private static DicomJson Sr(string template, params JsonObject[] content) => new(new JsonObject
    {
        ["0008,0016"] = S(SrMeasurementReader.ComprehensiveSr),
        ["0040,a504"] = Seq(new JsonObject { ["0040,db00"] = S(template) }),
        ["0040,a730"] = Seq(content),
    });

    [Theory]
    [InlineData("SONO1000")]
    [InlineData("SONO10000")]
    public void Sonoscape_reports_only_final_results(string template)
    {
        var sr = Sr(template, Item("CONTAINER", "root", "Report", root => root["0040,a730"] = Seq(
            Item("CONTAINER", "10020", "Measurement", c => c["0040,a730"] = Seq(
                Text("10033", "Liver"), Text("10031", "LIV1"), Text("10036", "B-Mode"), Text("10037", "-1"), Num("10041", "Value", "14.2", "cm"), Text("10042", "cm"))),
            Item("CONTAINER", "10020", "Measurement", c => c["0040,a730"] = Seq(
                Text("10033", "Liver"), Text("10031", "LIV1"), Text("10037", "1"), Num("10041", "Value", "14.0", "cm"))))));

        var m = SrMeasurementReader.Read(sr).ShouldNotBeNull().ShouldHaveSingleItem();
        m.ShouldBe(new SrMeasurement("LIV1", "US Liver", "14.2", "cm", "B-Mode"));
    }

    [Fact]
    public void Echo_groups_name_values_by_concept_and_image_mode()
    {
        var sr = Sr("5200", Item("CONTAINER", "125007", "Measurement Group", g => g["0040,a730"] = Seq(
            Item("CODE", "G-0373", "Image Mode", c => c["0040,a168"] = Seq(Code("G-03A2", "2D mode"))),
            Num("29436-3", "Left Ventricle Internal End Diastolic Dimension", "48", "mm"))));

        var m = SrMeasurementReader.Read(sr).ShouldNotBeNull().ShouldHaveSingleItem();
        m.ShouldBe(new SrMeasurement("EC2DLVIEDD", "Left Ventricle Internal End Diastolic Dimension (2D mode)", "48", "mm", "2D mode"));
    }

    [Fact]
    public void Other_SRs_are_not_read()
    {
        SrMeasurementReader.Read(Sr("1500")).ShouldBeNull();
    }
}
