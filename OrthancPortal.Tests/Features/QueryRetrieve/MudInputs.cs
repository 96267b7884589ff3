using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OrthancPortal.Tests.Features.QueryRetrieve;

/// <summary>Operating MudBlazor inputs the way a user does (they are not native selects and dialogs).</summary>
public static class MudInputs
{
    /// <summary>Opens the MudSelect inside <paramref name="wrapper"/> and clicks the option whose text is exactly <paramref name="option"/>.</summary>
    public static async Task ChooseAsync(IPage page, string wrapper, string option)
    {
        await page.Locator($"{wrapper} .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>The text the MudSelect inside <paramref name="wrapper"/> shows (empty when nothing is chosen).</summary>
    public static async Task<string> SelectedAsync(IPage page, string wrapper)
        => (await page.Locator(wrapper).First.EvaluateAsync<string>(@"w => {
            const values = [...w.querySelectorAll('input')].map(i => i.value).filter(v => v);
            if (values.length) return values[0];
            const slot = [...w.querySelectorAll('.mud-input-slot')].find(e => e.tagName !== 'INPUT' && !e.classList.contains('mud-input-slot-placeholder'));
            return slot ? slot.textContent : '';
        }")).Trim();

    /// <summary>The open message box (IDialogService.ShowMessageBoxAsync).</summary>
    public static ILocator Dialog(IPage page) => page.Locator(".mud-dialog");

    /// <summary>Clicks the button of the open message box with this text ("Delete", "Cancel", …).</summary>
    public static async Task AnswerDialogAsync(IPage page, string button)
    {
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Assertions.Expect(Dialog(page)).ToHaveCountAsync(0);
    }
}
