namespace OrthancPortal.Features.Account;

/// <summary>
/// Marks the few endpoints an account that must change its password may reach (sign-in, sign-out, change password).
/// The forced-change middleware decides by the endpoint routing chose, never by how the path looks.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowedBeforePasswordChangeAttribute : Attribute;
