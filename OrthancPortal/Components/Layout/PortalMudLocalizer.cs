using Microsoft.Extensions.Localization;
using MudBlazor;

namespace OrthancPortal.Components.Layout;

/// <summary>
/// MudBlazor's own texts (pager, filter and sort menus, picker and dialog buttons, aria labels) in the user's language.
/// MudBlazor asks this service for every key of its LanguageResource when the UI culture is not English; the German is in
/// <c>PortalMudLocalizer.de.resx</c> keyed by MudBlazor's key names (e.g. <c>MudDataGridPager_RowsPerPage</c>). A key
/// without an entry reports "not found", so MudBlazor falls back to its English text.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizer<PortalMudLocalizer> resources) : MudLocalizer
{
    public override LocalizedString this[string key] => resources[key];
}
