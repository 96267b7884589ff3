using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace OrthancPortal.Features.Access.Pages;

public partial class UsersPage
{
    private static readonly int[] PageSizes = [10, 25, 50, 100];
    private MudDataGrid<UserRow> grid = default!;
    private IReadOnlyList<RoleRow> roles = [];
    private AdminResult? message;
    private string? messageText, search;
    private string newUserName = "", newDisplayName = "";
    private HashSet<string> newRoles = [];
    private bool busy;

    protected override async Task OnInitializedAsync() => roles = await Admin.ListRolesAsync();

    private async Task<GridData<UserRow>> LoadAsync(GridState<UserRow> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var (rows, total) = await Admin.PageUsersAsync(search, sort?.SortBy, sort?.Descending ?? false, state.Page * state.PageSize, state.PageSize, ct);
        return new GridData<UserRow> { Items = rows, TotalItems = total };
    }

    private async Task SearchAsync(string? value)
    {
        search = value;
        await grid.ReloadServerData();
    }

    private async Task CreateAsync()
    {
        busy = true;
        try
        {
            var name = newUserName.Trim();
            message = await Admin.CreateUserAsync(newUserName, newDisplayName, newRoles.ToList());
            if (message.Succeeded)
            {
                messageText = L["User {0} created.", name];
                newUserName = newDisplayName = "";
                newRoles = [];
            }
            await grid.ReloadServerData();
        }
        finally { busy = false; }
    }

    private Task SetRoleAsync(UserRow user, string role, bool granted)
    {
        var set = user.Roles.ToHashSet();
        if (granted) set.Add(role); else set.Remove(role);
        return RunAsync(Admin.SetRolesAsync(user.Id, set.ToList()),
            granted ? L["{0} now has the role {1}.", user.UserName, role] : L["{0} no longer has the role {1}.", user.UserName, role]);
    }

    private Task ToggleDisabledAsync(UserRow user)
        => RunAsync(Admin.SetDisabledAsync(user.Id, !user.IsDisabled), user.IsDisabled ? L["{0} enabled.", user.UserName] : L["{0} disabled.", user.UserName]);

    private async Task ResetAsync(UserRow user)
    {
        var sure = await Dialogs.ShowMessageBoxAsync(L["Reset password"],
            L["Give {0} a new one-time password? Their open sessions end.", user.UserName], yesText: L["Reset password"], cancelText: L["Cancel"]);
        if (sure != true) return;
        busy = true;
        try
        {
            message = await Admin.ResetPasswordAsync(user.Id);
            messageText = L["Password of {0} reset.", user.UserName];
            if (message.Succeeded && message.OneTimePassword is null) Snackbar.Add(L["Password of {0} reset.", user.UserName], Severity.Success);
            await grid.ReloadServerData();
        }
        finally { busy = false; }
    }

    private async Task DeleteAsync(UserRow user)
    {
        var sure = await Dialogs.ShowMessageBoxAsync(L["Delete user"],
            L["Delete the account {0}? Its audit entries stay.", user.UserName], yesText: L["Delete"], cancelText: L["Cancel"]);
        if (sure == true) await RunAsync(Admin.DeleteUserAsync(user.Id), L["{0} deleted.", user.UserName]);
    }

    /// <summary>Runs one change and says what it did (or why not) in a snackbar; the grid shows the new state.</summary>
    private async Task RunAsync(Task<AdminResult> action, string done)
    {
        busy = true;
        try
        {
            var result = await action;
            if (result.Succeeded) Snackbar.Add(done, Severity.Success);
            else Snackbar.Add(result.Error ?? L["That did not work."], Severity.Error);
            await grid.ReloadServerData();
        }
        finally { busy = false; }
    }

    private static void Toggle(HashSet<string> set, string value, bool on)
    {
        if (on) set.Add(value); else set.Remove(value);
    }
}
