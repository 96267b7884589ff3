using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Tests.Components;

/// <summary>
/// The base of bUnit tests of portal components: MudBlazor's services (its JS calls answered loosely, as bUnit has no
/// browser), the localizer (English keys), the portal's formatter and clock. Disposed asynchronously (IAsyncLifetime):
/// some MudBlazor services can only be disposed that way.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<PortalFormat>();
    }

    /// <summary>How long a WaitForAssertion waits for the render it expects: bUnit's one second is too short on a machine
    /// busy with other builds and tests; a passing check returns as soon as the render comes.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Renders as on the live circuit (interactive Server), where a
    /// <see cref="OrthancPortal.Infrastructure.Live.LiveComponent"/> subscribes. Call it after adding the test's services:
    /// it builds the service provider.</summary>
    protected void RenderAsLiveCircuit() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
}
