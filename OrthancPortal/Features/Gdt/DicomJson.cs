using System.Text.Json.Nodes;

namespace OrthancPortal.Features.Gdt;

/// <summary>Reads Orthanc's full JSON tags (GET /instances/{id}/tags): keys "gggg,eeee", values {Name, Type, Value}.</summary>
public sealed class DicomJson(JsonObject node)
{
    public string Get(string tag)
        => node[tag.ToLowerInvariant()] is JsonObject e && e["Type"]?.GetValue<string>() == "String" ? e["Value"]?.GetValue<string>()?.Trim() ?? "" : "";

    public IReadOnlyList<DicomJson> Sequence(string tag)
        => node[tag.ToLowerInvariant()] is JsonObject e && e["Value"] is JsonArray items
            ? items.OfType<JsonObject>().Select(i => new DicomJson(i)).ToList()
            : [];

    public DicomJson? First(string tag) => Sequence(tag).FirstOrDefault();
}

/// <summary>Tags the GDT and worklist code reads, by name.</summary>
public static class Tags
{
    public const string SopClassUid = "0008,0016";
    public const string SopInstanceUid = "0008,0018";
    public const string StudyDate = "0008,0020";
    public const string ContentDate = "0008,0023";
    public const string StudyTime = "0008,0030";
    public const string ContentTime = "0008,0033";
    public const string AccessionNumber = "0008,0050";
    public const string Modality = "0008,0060";
    public const string CodeValue = "0008,0100";
    public const string CodeMeaning = "0008,0104";
    public const string StudyDescription = "0008,1030";
    public const string PatientId = "0010,0020";
    public const string MeasurementUnitsCodeSequence = "0040,08ea";
    public const string ValueType = "0040,a040";
    public const string ConceptNameCodeSequence = "0040,a043";
    public const string TextValue = "0040,a160";
    public const string ConceptCodeSequence = "0040,a168";
    public const string MeasuredValueSequence = "0040,a300";
    public const string NumericValue = "0040,a30a";
    public const string ContentTemplateSequence = "0040,a504";
    public const string ContentSequence = "0040,a730";
    public const string TemplateIdentifier = "0040,db00";
}
