namespace OrthancPortal.Components.Layout;

/// <summary>
/// A navigation entry. Each feature registers its own with <c>services.AddNavItem(...)</c>; the menu shows an
/// entry only when the user satisfies <see cref="Policy"/> (a permission name), checked on the server.
/// </summary>
public sealed record NavItem(string Title, string Href, string Icon, string? Policy, int Order, string Group = "");

public static class NavItemServiceCollectionExtensions
{
    public static IServiceCollection AddNavItem(this IServiceCollection services, NavItem item)
        => services.AddSingleton(item);
}
