using MudBlazor;

namespace OrthancPortal.Components.Ui;

public enum ToastKind { Info, Success, Warning, Error }

/// <summary>
/// Transitional: pages not yet rebuilt on MudBlazor call this; it shows MudBlazor snackbars. New code injects
/// <see cref="ISnackbar"/> directly. Removed once no page uses it.
/// </summary>
public sealed class ToastService(ISnackbar snackbar)
{
    public void Show(string message, ToastKind kind = ToastKind.Info) => snackbar.Add(message, kind switch
    {
        ToastKind.Success => Severity.Success,
        ToastKind.Warning => Severity.Warning,
        ToastKind.Error => Severity.Error,
        _ => Severity.Info,
    });
}
