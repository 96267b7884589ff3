using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Modalities;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Modalities;

public sealed class ModalityAdminTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private async Task<T> With<T>(Func<ModalityAdminService, Task<T>> action)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ModalityAdminService>());
    }

    [Fact]
    public async Task C_ECHO_to_the_remote_PACS_succeeds_and_to_a_closed_port_fails_with_a_clear_reason()
    {
        var ok = await With(s => s.EchoAsync(OrthancPair.RemoteModalityName));
        ok.Outcome.ShouldBe(ConnectivityOutcome.Ok, ok.Message);

        var closedPort = TestEnvironment.FreePort();
        await With(async s => { await s.SaveModalityAsync(new ModalityInput { Name = "closed", Aet = "NOBODY", Host = "127.0.0.1", Port = closedPort }); return 0; });
        var refused = await With(s => s.EchoAsync("closed"));
        refused.Outcome.ShouldBe(ConnectivityOutcome.Refused, refused.Message);
        refused.Message.ShouldContain("connection refused");
    }

    [Fact]
    public async Task Modalities_and_peers_are_kept_in_Orthanc_and_can_be_edited_and_deleted()
    {
        await With(async s =>
        {
            await s.SaveModalityAsync(new ModalityInput { Name = "ct1", Aet = "CT_SCANNER", Host = "10.0.0.5", Port = 104, AllowStore = false });
            await s.SaveModalityAsync(new ModalityInput { Name = "ct1", Aet = "CT_SCANNER2", Host = "10.0.0.5", Port = 11112 });
            await s.SavePeerAsync(new PeerInput { Name = "remote-http", Url = fixture.Remote.Url.ToString(), Username = OrthancProcess.Username, Password = OrthancProcess.Password });
            return 0;
        });
        var stored = (await fixture.Local.GetJsonAsync("modalities/ct1/configuration")).AsObject();
        stored["AET"]!.ToString().ShouldBe("CT_SCANNER2");
        stored["Port"]!.GetValue<int>().ShouldBe(11112);

        var peerTest = await With(s => s.TestPeerAsync("remote-http"));
        peerTest.Outcome.ShouldBe(ConnectivityOutcome.Ok, peerTest.Message);

        var identity = await With(s => s.GetOwnIdentityAsync());
        identity.Aet.ShouldBe(OrthancPair.LocalAet);
        identity.Port.ShouldBe(fixture.Local.DicomPort);

        await Should.ThrowAsync<FluentValidation.ValidationException>(() => With(async s =>
        {
            await s.SaveModalityAsync(new ModalityInput { Name = "bad name", Aet = "THIS_AET_IS_FAR_TOO_LONG", Host = "x", Port = 0 });
            return 0;
        }));

        await With(async s => { await s.DeleteModalityAsync("ct1"); await s.DeletePeerAsync("remote-http"); return 0; });
        (await fixture.Local.GetJsonAsync("modalities")).AsArray().Select(m => m!.ToString()).ShouldNotContain("ct1");
        (await fixture.Local.GetJsonAsync("peers")).AsArray().ShouldBeEmpty();
    }
}
