namespace OrthancPortal.Components.Ui;

public enum ToastKind { Info, Success, Warning, Error }

public sealed record Toast(Guid Id, string Message, ToastKind Kind);

/// <summary>Short messages for the current user (scoped: one per circuit). <see cref="Toasts"/> renders them.</summary>
public sealed class ToastService
{
    private readonly List<Toast> items = [];
    public event Action? Changed;
    public IReadOnlyList<Toast> Items => items;

    public void Show(string message, ToastKind kind = ToastKind.Info)
    {
        items.Add(new Toast(Guid.NewGuid(), message, kind));
        Changed?.Invoke();
    }

    public void Dismiss(Guid id)
    {
        items.RemoveAll(t => t.Id == id);
        Changed?.Invoke();
    }
}
