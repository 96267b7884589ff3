using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Admin;

/// <summary>
/// Every mapped endpoint must state its authorization: authorize metadata (a policy or at least [Authorize]),
/// or [AllowAnonymous] on the allow-list below. Relying on the fallback policy alone is not enough for a route
/// someone wrote; only the framework's own circuit endpoints may do that.
/// </summary>
public static class EndpointAuthorizationChecker
{
    /// <summary>Routes that are meant to be reachable without signing in, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> AnonymousAllowList = new Dictionary<string, string>
    {
        ["/account/login"] = "the sign-in form",
        ["/status/{Code:int}"] = "error and status pages",
        ["/healthz"] = "liveness probe for the service manager (answers only \"ok\")",
        ["/worklist/add"] = "API-key protected worklist route (checks its own key)",
        ["/culture"] = "the language switch (sets only the language cookie; the sign-in page offers it too)",
        ["/s/{Token}"] = "a share link's landing page for visitors without an account (the token is the key; unknown, expired or revoked ones get 404/410)",
        ["/s/download/{studyId}"] = "a share link's download (checks the share cookie itself: a valid share that allows downloads and holds the study)",
    };

    /// <summary>
    /// Blazor's own endpoints (the circuit hub and its negotiation, the framework script). They carry no metadata;
    /// the fallback policy (a signed-in user) guards the hub, and each page checks its own policy.
    /// </summary>
    private static readonly string[] FrameworkPrefixes = ["/_blazor", "/_framework/"];

    public static IReadOnlyList<string> FindUnprotected(IServiceProvider services)
    {
        var problems = new List<string>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() || endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any();
            if (anonymous)
            {
                if (!AnonymousAllowList.ContainsKey(route)) problems.Add($"{route} allows anonymous access but is not on the allow-list");
            }
            else if (!authorize && !FrameworkPrefixes.Any(p => route.StartsWith(p, StringComparison.Ordinal)))
            {
                problems.Add($"{route} ({endpoint.DisplayName}) has no authorization requirement");
            }
        }
        return problems;
    }
}

public sealed class EndpointAuthorizationTests
{
    [Fact]
    public async Task Every_mapped_endpoint_has_an_authorization_requirement_or_is_allow_listed()
    {
        await using var portal = await PortalHost.StartManagedAsync(extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });
        var routes = portal.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText).ToList();
        routes.ShouldContain("/admin/audit");
        routes.ShouldContain("/api/admin/audit.csv");
        EndpointAuthorizationChecker.FindUnprotected(portal.Services).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_check_fails_when_an_endpoint_without_authorization_is_added()
    {
        await using var portal = await PortalHost.StartManagedAsync(
            configure: b => b.Services.AddTransient<IStartupFilter, ExtraEndpoints>(),
            extra: new Dictionary<string, string?> { ["Orthanc:Executable"] = "/bin/false" });

        var problems = EndpointAuthorizationChecker.FindUnprotected(portal.Services);
        problems.Count.ShouldBe(2);
        problems.ShouldContain(p => p.StartsWith("/api/forgotten ") && p.Contains("no authorization requirement"));
        problems.ShouldContain(p => p.StartsWith("/api/open ") && p.Contains("not on the allow-list"));
    }

    /// <summary>What a careless feature could map: one route with no rule, one explicitly anonymous.</summary>
    private sealed class ExtraEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(e =>
            {
                e.MapGet("/api/forgotten", () => "forgotten");
                e.MapGet("/api/open", () => "open").AllowAnonymous();
            });
        };
    }
}
