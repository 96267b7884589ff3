using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Robots;

/// <summary>
/// <see cref="RobotItem.Found"/> holds what validation saw on the remote as raw DICOM ("Müller^Jürgen · 20240302 · CT Kopf");
/// people read it as "Müller, Jürgen · 02.03.2024 · CT Kopf" in their culture.
/// </summary>
public static class RobotFound
{
    public static string Format(string? found)
    {
        if (string.IsNullOrWhiteSpace(found)) return "";
        var parts = found.Split(" · ");
        if (parts.Length != 3) return found;
        return string.Join(" · ", new[] { PortalFormat.PersonName(parts[0]), PortalFormat.DicomDate(parts[1]), parts[2] }.Where(p => p.Length > 0));
    }
}
