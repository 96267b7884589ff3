using MudBlazor;

namespace OrthancPortal.Components.Layout;

/// <summary>
/// The portal's one theme, light and dark. Calm colours for a reading room: a clinical blue for actions, red only for
/// what destroys data, and enough contrast in both modes for axe's AA rules.
/// </summary>
public static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            Secondary = "#00796b",
            Tertiary = "#5e35b1",
            Info = "#0277bd",
            // Dark enough for white text with margin (7.9:1), also where a success snackbar lies over a light page.
            Success = "#1b5e20",
            Warning = "#a15c00",
            Error = "#c62828",
            AppbarBackground = "#0d3c61",
            AppbarText = "#ffffff",
            Background = "#f6f8fa",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f2933",
            DrawerIcon = "#3e4c59",
            TextSecondary = "#52606d",
            ActionDefault = "#3e4c59",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#90caf9",
            Secondary = "#80cbc4",
            Tertiary = "#b39ddb",
            Info = "#81d4fa",
            Success = "#a5d6a7",
            Warning = "#ffcc80",
            Error = "#ef9a9a",
            AppbarBackground = "#102a43",
            AppbarText = "#f0f4f8",
            Background = "#121820",
            Surface = "#1b2430",
            DrawerBackground = "#17202b",
            DrawerText = "#e4e7eb",
            DrawerIcon = "#cbd2d9",
            TextPrimary = "#f0f4f8",
            TextSecondary = "#cbd2d9",
            // The dark palette's colours are light, so text on them (filled buttons, chips, snackbars) is dark, not
            // MudBlazor's white, which would fail axe's contrast rule.
            PrimaryContrastText = "#0b1a2a",
            SecondaryContrastText = "#0b1a2a",
            TertiaryContrastText = "#0b1a2a",
            InfoContrastText = "#0b1a2a",
            SuccessContrastText = "#0b1a2a",
            WarningContrastText = "#0b1a2a",
            ErrorContrastText = "#0b1a2a",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "250px" },
    };
}
