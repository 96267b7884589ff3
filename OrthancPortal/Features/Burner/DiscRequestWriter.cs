using System.Globalization;
using System.Text;
using OrthancPortal.Infrastructure.Text;

namespace OrthancPortal.Features.Burner;

/// <summary>One study's line on the label, already formatted for print.</summary>
public sealed record LabelStudy(string Date, string Description, string Accession, string Modalities);

/// <summary>What is printed on the disc.</summary>
public sealed record DiscLabel(string PatientName, string PatientId, string BirthDate, IReadOnlyList<LabelStudy> Studies)
{
    /// <summary>All modalities on the disc, each once, in first-seen order.</summary>
    public string Modalities => string.Join(",", Studies.SelectMany(s => s.Modalities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct());
}

/// <summary>
/// Everything a request file names. Paths are as the disc software must read them (already mapped, see
/// <see cref="DiscPathMapper"/>). <see cref="DatFile"/> is where the Epson merge-field file goes (ignored for
/// Primera). <see cref="DiscType"/> is the producer's own value (<see cref="DiscRequestWriter.DiscTypeValue"/>).
/// </summary>
public sealed record DiscRequest(string Name, string DiscType, string? ViewerFolder, string DicomFolder, string? LabelFile, string DatFile, DiscLabel Label)
{
    public int Copies { get; init; } = 1;
    /// <summary>Epson PUBLISHER: the machine's name in Total Disc Setup; empty lets TD Bridge choose.</summary>
    public string Publisher { get; init; } = "";
    /// <summary>Epson OUT_STACKER; 0 leaves it to TD Bridge.</summary>
    public int OutStacker { get; init; }
    /// <summary>Epson VOLUME_LABEL / Primera VolumeName; empty lets the disc software choose.</summary>
    public string VolumeLabel { get; init; } = "";
    /// <summary>Epson FORMAT (file system of the disc).</summary>
    public string Format { get; init; } = "UDF102";
    /// <summary>Primera DataImageType (file system of the disc).</summary>
    public string DataImageType { get; init; } = "UDF";
    /// <summary>Primera ClientID; an abort (.PTM) must name the same one.</summary>
    public string ClientId { get; init; } = DiscRequestWriter.ClientId;
}

/// <summary>
/// The request formats of the two disc producers, as their documents give them (TD Bridge Technical Reference
/// Guide, "JDF File Contents Example" and "JCF File"; PTBurn SDK, "JRQ File Command Structure" and "Client
/// Commands"). Epson TD Bridge reads a .JDF that points at a .DAT of replace fields; Primera PTBurn reads a .JRQ
/// whose MergeField lines fill the label by position. Both are line based "key=value" files read as ANSI text by
/// Windows services, hence CRLF and a Windows code page; every value from DICOM passes <see cref="Value"/> so it
/// can never start a new line (a new key) in the request.
/// </summary>
public static class DiscRequestWriter
{
    public const string ClientId = "OrthancPortal";
    private const string NewLine = "\r\n";

    /// <summary>
    /// The bytes of a request file: Windows-1252 (what "ANSI text" means on a western Windows; characters it lacks
    /// become their base letter or '?'), or UTF-8 with a BOM for disc software set up to read Unicode.
    /// </summary>
    public static byte[] Encode(string text, DiscFileEncoding encoding) => encoding switch
    {
        DiscFileEncoding.Utf8WithBom => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
        _ => LegacyEncodings.For(LegacyEncodings.Windows1252).GetBytes(text),
    };

    /// <summary>The disc type as each producer spells it: TD Bridge DISC_TYPE=CD/DVD, PTBurn DiscType = CDR/DVDR.</summary>
    public static string DiscTypeValue(DiscProducer producer, DiscKind kind) => (producer, kind) switch
    {
        (DiscProducer.Epson, DiscKind.CD) => "CD",
        (DiscProducer.Epson, _) => "DVD",
        (_, DiscKind.CD) => "CDR",
        _ => "DVDR",
    };

    public static string RequestExtension(DiscProducer producer) => producer == DiscProducer.Epson ? ".JDF" : ".JRQ";

    public static string CancelExtension(DiscProducer producer) => producer == DiscProducer.Epson ? ".JCF" : ".PTM";

    /// <summary>The keys in the order of the guide's example; optional ones only when set.</summary>
    public static string EpsonJdf(DiscRequest r)
    {
        var lines = new List<string> { $"JOB_ID={r.Name}" };
        if (r.Publisher.Length > 0) lines.Add($"PUBLISHER={Value(r.Publisher)}");
        lines.Add($"COPIES={r.Copies.ToString(CultureInfo.InvariantCulture)}");
        if (r.OutStacker > 0) lines.Add($"OUT_STACKER={r.OutStacker.ToString(CultureInfo.InvariantCulture)}");
        lines.Add($"DISC_TYPE={r.DiscType}");
        lines.Add($"FORMAT={r.Format}");
        if (!string.IsNullOrEmpty(r.ViewerFolder)) lines.Add($"DATA={Path(r.ViewerFolder)}");
        lines.Add($"DATA={Path(r.DicomFolder)}");
        if (r.VolumeLabel.Length > 0) lines.Add($"VOLUME_LABEL={Value(r.VolumeLabel)}");
        if (!string.IsNullOrEmpty(r.LabelFile))
        {
            lines.Add($"LABEL={Path(r.LabelFile)}");
            lines.Add($"REPLACE_FIELD={Path(r.DatFile)}");
        }
        return Join(lines);
    }

    /// <summary>
    /// TDBridge's replace fields. The first study uses the plain keys the label templates know ({studyDate}, ...);
    /// further studies of a patient-level disc add numbered keys (studyDate2, ...). modalities lists the whole disc.
    /// </summary>
    public static string EpsonDat(DiscLabel label)
    {
        var lines = new List<string>
        {
            $"patientName={Value(label.PatientName)}",
            $"patientId={Value(label.PatientId)}",
            $"patientDOB={Value(label.BirthDate)}",
            $"numberOfStudies={label.Studies.Count}",
        };
        for (var i = 0; i < label.Studies.Count; i++)
        {
            var suffix = i == 0 ? "" : (i + 1).ToString(CultureInfo.InvariantCulture);
            var s = label.Studies[i];
            lines.Add($"studyDate{suffix}={Value(s.Date)}");
            lines.Add($"studyDescription{suffix}={Value(s.Description)}");
            lines.Add($"accessionNumber{suffix}={Value(s.Accession)}");
            if (i == 0) lines.Add($"modalities={Value(label.Modalities)}");
        }
        return Join(lines);
    }

    /// <summary>PTPublisher's job request. MergeField lines are positional: name, id, date, description, birth date, accession, number of studies, modalities.</summary>
    public static string PrimeraJrq(DiscRequest r)
    {
        var lines = new List<string>
        {
            $"JobID = {r.Name}",
            $"ClientID = {r.ClientId}",
            $"Copies = {r.Copies.ToString(CultureInfo.InvariantCulture)}",
            $"DiscType = {r.DiscType}",
            $"DataImageType = {r.DataImageType}",
        };
        if (r.VolumeLabel.Length > 0) lines.Add($"VolumeName = {Value(r.VolumeLabel)}");
        if (!string.IsNullOrEmpty(r.ViewerFolder)) lines.Add($"Data = {Path(r.ViewerFolder)}");
        lines.Add($"Data = {Path(r.DicomFolder)}");
        lines.Add("RejectIfNotBlank = YES");
        lines.Add("CloseDisc = YES");
        lines.Add("VerifyDisc = YES");
        lines.Add("PrintQuality = 1");
        if (!string.IsNullOrEmpty(r.LabelFile))
        {
            var l = r.Label;
            lines.Add($"PrintLabel = {Path(r.LabelFile)}");
            lines.Add($"MergeField = {Value(l.PatientName)}");
            lines.Add($"MergeField = {Value(l.PatientId)}");
            lines.Add($"MergeField = {Value(string.Join(", ", l.Studies.Select(s => s.Date).Distinct()))}");
            lines.Add($"MergeField = {Value(string.Join(" / ", l.Studies.Select(s => s.Description).Where(d => d.Length > 0)))}");
            lines.Add($"MergeField = {Value(l.BirthDate)}");
            lines.Add($"MergeField = {Value(string.Join(", ", l.Studies.Select(s => s.Accession).Where(a => a.Length > 0)))}");
            lines.Add($"MergeField = {l.Studies.Count}");
            lines.Add($"MergeField = {Value(l.Modalities)}");
        }
        return Join(lines);
    }

    /// <summary>
    /// Epson: a .JCF naming the job. Primera: a .PTM with the abort message and the job's ClientID (PTBurn rejects
    /// an abort whose ClientID does not match the request's).
    /// </summary>
    public static string CancelRequest(DiscProducer producer, string name, string clientId = ClientId) => producer == DiscProducer.Epson
        ? Join(["[CANCEL]", $"JOB_ID={name}"])
        : Join(["Message = ABORT", $"ClientID = {clientId}"]);

    /// <summary>
    /// A label value made safe for a line-based request: no control characters (a CR/LF would start a new key),
    /// no DICOM separators, single spaces, and short enough for a label field.
    /// </summary>
    public static string Value(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return "";
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            var mapped = char.IsControl(c) || c is '^' or '\u2028' or '\u2029' ? ' ' : c;
            if (c == '\\') { sb.Append(", "); continue; }
            if (mapped == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(mapped);
        }
        var value = sb.ToString().Trim().TrimEnd(',').Trim();
        return value.Length <= 64 ? value : value[..64].TrimEnd();
    }

    /// <summary>A piece of a file or folder name made from DICOM: letters, digits, '-' and '_' only, never empty.</summary>
    public static string FileNamePart(string? raw, int maxLength = 40)
    {
        var sb = new StringBuilder();
        foreach (var c in (raw ?? "").Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c) || c == '-') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
            if (sb.Length >= maxLength) break;
        }
        var part = sb.ToString().Trim('_');
        return part.Length == 0 ? "unknown" : part;
    }

    /// <summary>A path in a request must stay on its line too.</summary>
    private static string Path(string path) => path.Any(char.IsControl)
        ? throw new ArgumentException("A path in a disc request contains a control character.", nameof(path))
        : path;

    private static string Join(IEnumerable<string> lines) => string.Join(NewLine, lines) + NewLine;
}
