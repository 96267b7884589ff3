namespace OrthancPortal.Components.Layout;

/// <summary>
/// A navigation entry. Each feature registers its own with <c>services.AddNavItem(...)</c>; the menu shows an
/// entry only when the user satisfies <see cref="Policy"/> (a permission name), checked on the server.
/// <see cref="Title"/> is the English text and the key of its German translation in <c>NavMenu.de.resx</c>;
/// <see cref="Icon"/> is a MudBlazor icon (<c>Icons.Material.Filled.X</c>).
/// </summary>
public sealed record NavItem(string Title, string Href, string Icon, string? Policy, int Order,
    NavArea Area = NavArea.Daily, AdminSection Section = AdminSection.None);

/// <summary>Daily work stays at the top of the menu; everything an administrator sets up lives in one Administration area.</summary>
public enum NavArea { Daily, Administration }

/// <summary>The sections of the Administration area, in menu order.</summary>
public enum AdminSection { None, Access, Orthanc, Data, Integrations, Automation, System }

public static class NavItemServiceCollectionExtensions
{
    public static IServiceCollection AddNavItem(this IServiceCollection services, NavItem item)
        => services.AddSingleton(item);
}
