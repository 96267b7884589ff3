namespace OrthancPortal.Features.Access;

/// <summary>
/// Ends a user's sign-in sessions. Access (user administration) needs it; Account (which owns the sessions) provides
/// it, so Access does not depend on Account.
/// </summary>
public interface IUserSessions
{
    /// <summary>Ends every session of a user; returns how many were open.</summary>
    Task<int> EndUserSessionsAsync(string userId, CancellationToken ct = default);

    /// <summary>How many sessions of a user are open now.</summary>
    Task<int> CountUserSessionsAsync(string userId, CancellationToken ct = default);
}
