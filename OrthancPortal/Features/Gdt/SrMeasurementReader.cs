namespace OrthancPortal.Features.Gdt;

/// <summary>One measurement from a structured report, as it becomes one GDT test.</summary>
public sealed record SrMeasurement(string Id, string Name, string Value, string Unit, string Source);

/// <summary>
/// Finds measurements in a Comprehensive SR: DICOM TID 5200 (adult echocardiography) and the Sonoscape
/// template (SONO1000 / SONO10000: the device's documentation and code disagree, so both are accepted).
/// </summary>
public static class SrMeasurementReader
{
    public const string ComprehensiveSr = "1.2.840.10008.5.1.4.1.1.88.33";
    private const string EchoTemplate = "5200";
    private static readonly HashSet<string> SonoscapeTemplates = ["SONO1000", "SONO10000"];

    // TID 5200: a measurement group and the code naming its image mode (2D, M mode, Doppler...).
    private const string MeasurementGroup = "125007";
    private const string ImageMode = "G-0373";

    // Sonoscape's private codes inside its measurement container.
    private const string SonoContainer = "10020";
    private const string SonoId = "10033";
    private const string SonoRealId = "10031";
    private const string SonoSource = "10036";
    private const string SonoResultNumber = "10037";
    private const string SonoValue = "10041";
    private const string SonoUnit = "10042";
    /// <summary>Result number -1 is the final (averaged) value; the others are single readings.</summary>
    private const string SonoFinalResult = "-1";

    /// <summary>Null when the instance is not a supported SR.</summary>
    public static IReadOnlyList<SrMeasurement>? Read(DicomJson sr)
    {
        if (sr.Get(Tags.SopClassUid) != ComprehensiveSr) return null;
        var template = sr.First(Tags.ContentTemplateSequence)?.Get(Tags.TemplateIdentifier) ?? "";
        if (template == EchoTemplate) return ReadEcho(sr);
        if (SonoscapeTemplates.Contains(template)) return ReadSonoscape(sr);
        return null;
    }

    private static List<SrMeasurement> ReadEcho(DicomJson sr)
    {
        var result = new List<SrMeasurement>();
        foreach (var group in Containers(sr, MeasurementGroup))
        {
            var items = group.Sequence(Tags.ContentSequence);
            var modeItem = items.FirstOrDefault(i => i.Get(Tags.ValueType) == "CODE" && Concept(i).Code == ImageMode);
            var source = modeItem?.First(Tags.ConceptCodeSequence)?.Get(Tags.CodeMeaning) is { Length: > 0 } mode ? mode : "X";
            foreach (var num in items.Where(i => i.Get(Tags.ValueType) == "NUM"))
            {
                var meaning = Concept(num).Meaning;
                var (value, unit) = Numeric(num);
                var id = "EC" + new string(source.Take(2).ToArray()) + Initials(meaning);
                result.Add(new SrMeasurement(id, $"{meaning} ({source})", value, unit, source));
            }
        }
        return result;
    }

    private static List<SrMeasurement> ReadSonoscape(DicomJson sr)
    {
        var result = new List<SrMeasurement>();
        foreach (var container in Containers(sr, SonoContainer))
        {
            var items = container.Sequence(Tags.ContentSequence);
            DicomJson? Item(string code) => items.FirstOrDefault(i => Concept(i).Code == code);
            if (Item(SonoResultNumber) is { } resultNumber && Text(resultNumber) != SonoFinalResult) continue;
            var valueItem = Item(SonoValue);
            if (valueItem is null) continue;
            var id = Item(SonoId) is { } idItem ? Text(idItem) : "";
            var realId = Item(SonoRealId) is { } realItem ? Text(realItem) : id;
            var (value, numUnit) = Numeric(valueItem);
            var unit = Item(SonoUnit) is { } unitItem && Text(unitItem) is { Length: > 0 } u ? u : numUnit;
            var source = Item(SonoSource) is { } sourceItem ? Text(sourceItem) : "";
            result.Add(new SrMeasurement(realId, $"US {id}", value, unit, source));
        }
        return result;
    }

    /// <summary>Every CONTAINER with the given concept code, anywhere in the content tree.</summary>
    private static IEnumerable<DicomJson> Containers(DicomJson node, string code)
    {
        foreach (var item in node.Sequence(Tags.ContentSequence))
        {
            if (item.Get(Tags.ValueType) == "CONTAINER" && Concept(item).Code == code) yield return item;
            foreach (var nested in Containers(item, code)) yield return nested;
        }
    }

    private static (string Code, string Meaning) Concept(DicomJson item)
        => item.First(Tags.ConceptNameCodeSequence) is { } c ? (c.Get(Tags.CodeValue), c.Get(Tags.CodeMeaning)) : ("", "");

    private static (string Value, string Unit) Numeric(DicomJson num)
    {
        var measured = num.First(Tags.MeasuredValueSequence);
        return (measured?.Get(Tags.NumericValue) ?? "", measured?.First(Tags.MeasurementUnitsCodeSequence)?.Get(Tags.CodeValue) ?? "");
    }

    /// <summary>The value of a TEXT, CODE or NUM item as text.</summary>
    private static string Text(DicomJson item) => item.Get(Tags.ValueType) switch
    {
        "CODE" => item.First(Tags.ConceptCodeSequence)?.Get(Tags.CodeMeaning) ?? "",
        "NUM" => Numeric(item).Value,
        _ => item.Get(Tags.TextValue),
    };

    private static string Initials(string meaning)
        => new(meaning.Split([' ', '-', '/'], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0])).ToArray());
}

/// <summary>The SR measurements record: 6310 with one test per measurement.</summary>
public static class SrGdt
{
    public static GdtRecord Build(string patientId, string date, string time, IReadOnlyList<SrMeasurement> measurements)
    {
        var gdtDate = GdtDates.Date(date);
        var gdtTime = GdtDates.Time(time);
        return new GdtRecord(
            NewStudyGdt.RecordType,
            [new("3000", patientId), new("6200", gdtDate)], // Patientennummer, Tag der Speicherung
            measurements.Select(m => (IReadOnlyList<GdtField>)
            [
                new("8410", m.Id),    // Test-Ident
                new("8411", m.Name),  // Testbezeichnung
                new("8420", m.Value), // Ergebnis-Wert
                new("8421", m.Unit),  // Einheit
                new("8432", gdtDate), // Abnahme-Datum
                new("8439", gdtTime), // Abnahme-Zeit
                new("8470", m.Source), // Testbezogene Hinweise: where the value comes from
            ]).ToList());
    }
}
