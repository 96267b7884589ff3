using Microsoft.AspNetCore.Identity;
namespace OrthancPortal.Features.Access;

/// <summary>
/// Refuses a password that contains the user name (ignoring case): it is the first thing a guesser tries.
/// Names shorter than three characters are not checked, as almost every password would contain them.
/// </summary>
public sealed class UserNamePasswordValidator : IPasswordValidator<PortalUser>
{
    public const int ShortestCheckedName = 3;
    public const string Code = "PasswordContainsUserName";

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
        => Task.FromResult(Contains(password, user.UserName)
            ? IdentityResult.Failed(new IdentityError { Code = Code, Description = "The password must not contain the user name." })
            : IdentityResult.Success);

    public static bool Contains(string? password, string? userName)
    {
        var name = userName?.Trim();
        return !string.IsNullOrEmpty(password) && name is { Length: >= ShortestCheckedName }
            && password.Contains(name, StringComparison.OrdinalIgnoreCase);
    }
}
