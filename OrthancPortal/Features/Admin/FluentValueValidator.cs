using FluentValidation;

namespace OrthancPortal.Features.Admin;

/// <summary>
/// A FluentValidation validator for a <c>MudForm</c>: <c>&lt;MudForm Model="m" Validation="@v.ValidateValue"&gt;</c>
/// with <c>For="@(() => m.X)"</c> on each field shows that property's messages at the field. Rules on the whole
/// model (such as "start before end") come from <see cref="ModelErrorsAsync"/>, for an alert beside the button.
/// </summary>
public sealed class FluentValueValidator<T>(IValidator<T> validator)
{
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await validator.ValidateAsync(ValidationContext<T>.CreateWithOptions((T)model, o => o.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };

    /// <summary>Every message of the model (for rules that name no single field).</summary>
    public async Task<IReadOnlyList<string>> ModelErrorsAsync(T model)
        => (await validator.ValidateAsync(model)).Errors.Select(e => e.ErrorMessage).ToList();
}
