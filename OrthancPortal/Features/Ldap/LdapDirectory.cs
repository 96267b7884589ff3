using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;

namespace OrthancPortal.Features.Ldap;

/// <summary>A directory entry found for a user name.</summary>
public sealed record LdapUser(string Dn, string? DisplayName, IReadOnlyList<string> Groups);

/// <summary>One step of talking to the directory failed; <see cref="Step"/> says which, the message says why.</summary>
public sealed class LdapStepException(string step, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Step { get; } = step;
}

/// <summary>
/// One conversation with the directory over System.DirectoryServices.Protocols: connect (StartTLS or LDAPS),
/// bind the service account, find a user, check a user's password. Each failure names its step.
/// The library is synchronous; callers run it off the request thread with <see cref="RunAsync{T}"/>.
/// </summary>
public sealed class LdapSession : IDisposable
{
    public const string ConnectStep = "connect";
    public const string BindStep = "bind";
    public const string SearchStep = "search";
    public const string PasswordStep = "password";

    private readonly LdapSettings settings;
    private readonly LdapConnection connection;

    private LdapSession(LdapSettings settings)
    {
        this.settings = settings;
        connection = NewConnection(settings);
    }

    /// <summary>Connects and binds the service account (or anonymously when no bind DN is set).</summary>
    public static LdapSession Open(LdapSettings settings)
    {
        var session = new LdapSession(settings);
        try
        {
            session.Bind(session.connection, settings.BindDn, settings.BindPassword, BindStep);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken ct) => Task.Run(work, ct);

    /// <summary>The single entry matching the user filter, or null when the directory does not know the name.</summary>
    public LdapUser? FindUser(string userName)
    {
        var filter = settings.UserFilter.Replace("{0}", EscapeFilterValue(userName));
        var request = new SearchRequest(settings.UserSearchBase, filter, SearchScope.Subtree, settings.GroupAttribute, settings.DisplayNameAttribute)
        {
            SizeLimit = 2,
            TimeLimit = TimeSpan.FromSeconds(settings.TimeoutSeconds),
        };
        SearchResponse response;
        try
        {
            response = (SearchResponse)connection.SendRequest(request, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            throw new LdapStepException(SearchStep, $"More than one entry matches {filter} under {settings.UserSearchBase}; make the filter unique.");
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            throw new LdapStepException(SearchStep, $"The search base {settings.UserSearchBase} does not exist in the directory.");
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException)
        {
            throw new LdapStepException(SearchStep, $"Searching {settings.UserSearchBase} for {filter} failed: {Describe(ex)}", ex);
        }
        if (response.Entries.Count == 0) return null;
        if (response.Entries.Count > 1) throw new LdapStepException(SearchStep, $"More than one entry matches {filter}; make the filter unique.");
        var entry = response.Entries[0];
        return new LdapUser(entry.DistinguishedName, FirstValue(entry, settings.DisplayNameAttribute), Values(entry, settings.GroupAttribute));
    }

    /// <summary>Binds as the user on a connection of its own, so the service account's session stays as it was.</summary>
    public bool CheckPassword(string dn, string password)
    {
        // An empty password is an "unauthenticated bind" that many servers accept: never let it through.
        if (string.IsNullOrEmpty(password)) return false;
        using var userConnection = NewConnection(settings);
        try
        {
            Bind(userConnection, dn, password, PasswordStep);
            return true;
        }
        catch (LdapStepException ex) when (ex.InnerException is LdapException { ErrorCode: InvalidCredentials })
        {
            return false;
        }
    }

    private const int InvalidCredentials = 49;
    private const int ServerDown = 81;

    private void Bind(LdapConnection target, string? dn, string? password, string step)
    {
        try
        {
            if (settings.Security == LdapSecurity.StartTls) StartTls(target);
            if (string.IsNullOrEmpty(dn))
            {
                target.AuthType = AuthType.Anonymous;
                target.Bind();
            }
            else
            {
                target.Bind(new NetworkCredential(dn, password));
            }
        }
        catch (LdapStepException) { throw; }
        catch (LdapException ex) when (ex.ErrorCode == ServerDown)
        {
            throw new LdapStepException(ConnectStep, $"Cannot reach {settings.Server}:{settings.Port} ({settings.Security}): {Describe(ex)}", ex);
        }
        catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
        {
            throw new LdapStepException(step, step == BindStep
                ? $"The directory refused the bind DN {dn} or its password."
                : "The directory refused the user's password.", ex);
        }
        catch (LdapException ex)
        {
            throw new LdapStepException(step, $"Binding as {(string.IsNullOrEmpty(dn) ? "anonymous" : dn)} failed: {Describe(ex)}", ex);
        }
    }

    private void StartTls(LdapConnection target)
    {
        try { target.SessionOptions.StartTransportLayerSecurity(null); }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException or TlsOperationException)
        {
            throw new LdapStepException(ConnectStep, $"StartTLS with {settings.Server}:{settings.Port} failed: {Describe(ex)}", ex);
        }
    }

    private static LdapConnection NewConnection(LdapSettings s)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(s.Server, s.Port, false, false), null, AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(s.TimeoutSeconds),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (s.Security == LdapSecurity.Ldaps) connection.SessionOptions.SecureSocketLayer = true;
        return connection;
    }

    private static string Describe(Exception ex) => ex switch
    {
        LdapException l => $"{l.Message}{(string.IsNullOrEmpty(l.ServerErrorMessage) ? "" : $" ({l.ServerErrorMessage})")} [LDAP {l.ErrorCode}]",
        DirectoryOperationException d when d.Response is not null => $"{d.Response.ResultCode}: {d.Response.ErrorMessage ?? d.Message}",
        _ => ex.Message,
    };

    /// <summary>RFC 4515: a user name can never change the shape of the filter.</summary>
    public static string EscapeFilterValue(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\\' => @"\5c",
                '*' => @"\2a",
                '(' => @"\28",
                ')' => @"\29",
                '\0' => @"\00",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static string? FirstValue(SearchResultEntry entry, string attribute)
        => Values(entry, attribute).FirstOrDefault();

    private static IReadOnlyList<string> Values(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        if (values is null) return [];
        return values.GetValues(typeof(string)).Cast<string>().ToList();
    }

    public void Dispose() => connection.Dispose();
}

/// <summary>Matches a user's directory groups against the portal's group mappings.</summary>
public static class LdapGroups
{
    /// <summary>A mapping names a group by its full DN or by its first RDN's value (the CN); both compare case-insensitively.</summary>
    public static bool Matches(string mappingGroup, string groupDn)
    {
        var wanted = Normalize(mappingGroup);
        return wanted == Normalize(groupDn) || wanted == Normalize(FirstRdnValue(groupDn));
    }

    public static IReadOnlyList<string> RolesFor(IEnumerable<string> userGroups, IEnumerable<LdapGroupMapping> mappings)
    {
        var groups = userGroups.ToList();
        return mappings.Where(m => groups.Any(g => Matches(m.Group, g))).Select(m => m.RoleName)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string FirstRdnValue(string dn)
    {
        var end = 0;
        while (end < dn.Length && !(dn[end] == ',' && (end == 0 || dn[end - 1] != '\\'))) end++;
        var rdn = dn[..end];
        var equals = rdn.IndexOf('=');
        return equals < 0 ? rdn : rdn[(equals + 1)..];
    }

    private static string Normalize(string value) => string.Join(",", value.Split(',').Select(p => p.Trim())).ToLowerInvariant();
}
