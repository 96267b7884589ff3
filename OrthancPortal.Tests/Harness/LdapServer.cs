using System.Diagnostics;

namespace OrthancPortal.Tests.Harness;

/// <summary>
/// A real OpenLDAP (Debian's slapd) on a free loopback port, with an mdb database and the memberof overlay
/// in a temporary folder. The tree: dc=example,dc=org with ou=people (uid=...) and ou=groups (groupOfNames).
/// </summary>
public sealed class LdapServer : IAsyncDisposable
{
    public const string BaseDn = "dc=example,dc=org";
    public const string PeopleDn = "ou=people," + BaseDn;
    public const string GroupsDn = "ou=groups," + BaseDn;
    public const string AdminDn = "cn=admin," + BaseDn;

    private readonly string folder;
    private Process? process;

    public int Port { get; } = TestEnvironment.FreePort();
    public Uri Url => new($"ldap://127.0.0.1:{Port}/");
    /// <summary>Generated per run, like every other test secret.</summary>
    public string AdminPassword { get; } = "ldap-" + Guid.NewGuid().ToString("N")[..16];

    private LdapServer(string folder) => this.folder = folder;

    public static async Task<LdapServer> StartAsync()
    {
        var server = new LdapServer(TestEnvironment.NewTempFolder("slapd"));
        await server.RunAsync();
        return server;
    }

    public static string UserDn(string uid) => $"uid={uid},{PeopleDn}";
    public static string GroupDn(string cn) => $"cn={cn},{GroupsDn}";

    private async Task RunAsync()
    {
        var db = Path.Combine(folder, "db");
        Directory.CreateDirectory(db);
        var config = Path.Combine(folder, "slapd.conf");
        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            moduleload memberof
            pidfile {folder}/slapd.pid
            database mdb
            suffix "{BaseDn}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {db}
            maxsize 10485760
            overlay memberof
            memberof-group-oc groupOfNames
            memberof-member-ad member
            memberof-memberof-ad memberOf
            memberof-refint true
            """);
        // -d 0 keeps slapd in the foreground, so the test owns the process and its exit.
        var start = new ProcessStartInfo("/usr/sbin/slapd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-d", "0", "-f", config, "-h", Url.ToString() }) start.ArgumentList.Add(a);
        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start slapd.");
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await TestEnvironment.WaitUntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"slapd exited with {process.ExitCode}: {await stderr}");
            var (code, _) = await TestEnvironment.RunAsync("ldapsearch", ["-x", "-H", Url.ToString(), "-b", "", "-s", "base", "(objectClass=*)"], throwOnError: false);
            return code == 0;
        }, TimeSpan.FromSeconds(20), "slapd to answer");
        await ModifyAsync("ldapadd", $"""
            dn: {BaseDn}
            objectClass: dcObject
            objectClass: organization
            o: Example clinic
            dc: example

            dn: {PeopleDn}
            objectClass: organizationalUnit
            ou: people

            dn: {GroupsDn}
            objectClass: organizationalUnit
            ou: groups
            """);
    }

    public Task AddUserAsync(string uid, string password, string displayName) => ModifyAsync("ldapadd", $"""
        dn: {UserDn(uid)}
        objectClass: inetOrgPerson
        uid: {uid}
        cn: {displayName}
        sn: {displayName.Split(' ').Last()}
        userPassword: {password}
        """);

    public Task AddGroupAsync(string cn, params string[] memberUids) => ModifyAsync("ldapadd", $"""
        dn: {GroupDn(cn)}
        objectClass: groupOfNames
        cn: {cn}
        {string.Join("\n", memberUids.Select(u => $"member: {UserDn(u)}"))}
        """);

    public Task RemoveMemberAsync(string cn, string uid) => ModifyAsync("ldapmodify", $"""
        dn: {GroupDn(cn)}
        changetype: modify
        delete: member
        member: {UserDn(uid)}
        """);

    private async Task ModifyAsync(string tool, string ldif)
    {
        var file = Path.Combine(folder, $"{Guid.NewGuid():N}.ldif");
        // Raw string indentation is removed; each LDIF record must start at column 0.
        await File.WriteAllTextAsync(file, string.Join("\n", ldif.Split('\n').Select(l => l.TrimStart())) + "\n");
        await TestEnvironment.RunAsync(tool, ["-x", "-H", Url.ToString(), "-D", AdminDn, "-w", AdminPassword, "-f", file]);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        TestEnvironment.DeleteQuietly(folder);
    }
}
