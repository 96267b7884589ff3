using Bunit;
using Microsoft.AspNetCore.Components;
using OrthancPortal.Components.Ui;

namespace OrthancPortal.Tests.Components.Ui;

public sealed class ConfirmTests : BunitContext
{
    // Dialog focuses itself through JS; that is the browser tests' business.
    public ConfirmTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    [Fact]
    public async Task A_double_click_on_confirm_runs_the_action_once()
    {
        var calls = 0;
        var slowAction = new TaskCompletionSource();
        var cut = Render<Confirm>(p => p
            .Add(c => c.Show, true)
            .Add(c => c.ConfirmText, "Delete")
            .Add(c => c.OnConfirm, EventCallback.Factory.Create(this, () => { calls++; return slowAction.Task; })));

        var yes = cut.Find("[data-test=confirm-yes]");
        var first = yes.ClickAsync(new());
        // The second click arrives while the first action still runs, before the button shows as disabled.
        await cut.InvokeAsync(() => cut.Instance.GetType());
        await yes.ClickAsync(new());
        calls.ShouldBe(1);
        cut.Find("[data-test=confirm-yes]").HasAttribute("disabled").ShouldBeTrue("the button is disabled while the action runs");

        slowAction.SetResult();
        await first;
        cut.WaitForAssertion(() => cut.Find("[data-test=confirm-yes]").HasAttribute("disabled").ShouldBeFalse());
        await cut.Find("[data-test=confirm-yes]").ClickAsync(new());
        calls.ShouldBe(2, "after the first action finished, a new click runs it again");
    }

    [Fact]
    public void Cancel_calls_only_on_cancel()
    {
        var confirmed = false;
        var cancelled = false;
        var cut = Render<Confirm>(p => p
            .Add(c => c.Show, true)
            .Add(c => c.OnConfirm, EventCallback.Factory.Create(this, () => confirmed = true))
            .Add(c => c.OnCancel, EventCallback.Factory.Create(this, () => cancelled = true)));

        cut.Find("[data-test=confirm-no]").Click();
        (confirmed, cancelled).ShouldBe((false, true));
    }
}
