using System.Diagnostics;
using FluentValidation;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Modalities;

/// <summary>An editable DICOM modality (the Orthanc record plus its symbolic name).</summary>
public sealed class ModalityInput
{
    public string Name { get; set; } = "";
    public string Aet { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 104;
    public string Manufacturer { get; set; } = "Generic";
    public bool AllowEcho { get; set; } = true;
    public bool AllowFind { get; set; } = true;
    public bool AllowMove { get; set; } = true;
    public bool AllowStore { get; set; } = true;
    public bool AllowTranscoding { get; set; } = true;

    public static ModalityInput From(string name, OrthancModality m) => new()
    {
        Name = name, Aet = m.AET, Host = m.Host, Port = m.Port, Manufacturer = m.Manufacturer ?? "Generic",
        AllowEcho = m.AllowEcho ?? true, AllowFind = m.AllowFind ?? true, AllowMove = m.AllowMove ?? true,
        AllowStore = m.AllowStore ?? true, AllowTranscoding = m.AllowTranscoding ?? true,
    };

    public OrthancModality ToOrthanc() => new()
    {
        AET = Aet.Trim(), Host = Host.Trim(), Port = Port, Manufacturer = Manufacturer,
        AllowEcho = AllowEcho, AllowFind = AllowFind, AllowMove = AllowMove, AllowStore = AllowStore, AllowTranscoding = AllowTranscoding,
    };

    public sealed class Validator : AbstractValidator<ModalityInput>
    {
        private static readonly IStringLocalizer<ModalityAdminService> L = PortalText.For<ModalityAdminService>();

        /// <summary>The manufacturers Orthanc 1.10.1 accepts for a modality.</summary>
        public static readonly string[] Manufacturers = ["Generic", "GenericNoWildcardInDates", "GenericNoUniversalWildcard", "Vitrea", "GE"];

        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9_.-]+$")
                .WithMessage(_ => L["The name may use letters, digits, '-', '_' and '.'."]);
            RuleFor(x => x.Aet).NotEmpty().MaximumLength(16).Matches("^[ -~]+$").Must(a => a.Trim() == a && !a.Contains('\\'))
                .WithMessage(_ => L["An AE title has 1-16 printable characters, no backslash and no leading or trailing space."]);
            RuleFor(x => x.Host).NotEmpty().MaximumLength(253).Matches("^[A-Za-z0-9.:_-]+$").WithMessage(_ => L["Enter a host name or IP address."]);
            RuleFor(x => x.Port).InclusiveBetween(1, 65535);
            RuleFor(x => x.Manufacturer).Must(m => Manufacturers.Contains(m)).WithMessage(_ => L["Choose a known manufacturer."]);
        }
    }
}

public sealed class PeerInput
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string? Username { get; set; }
    /// <summary>Left empty on edit to keep the stored password (Orthanc never returns it).</summary>
    public string? Password { get; set; }

    public sealed class Validator : AbstractValidator<PeerInput>
    {
        private static readonly IStringLocalizer<ModalityAdminService> L = PortalText.For<ModalityAdminService>();

        public Validator()
        {
            RuleFor(x => x.Name).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9_.-]+$")
                .WithMessage(_ => L["The name may use letters, digits, '-', '_' and '.'."]);
            RuleFor(x => x.Url).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                .WithMessage(_ => L["Enter the peer's URL, for example http://pacs2.local:8042/"]);
        }
    }
}

public sealed record PeerRow(string Name, string Url, string? Username);

/// <summary>The portal's own DICOM identity, for configuring the remote side.</summary>
public sealed record PortalDicomIdentity(string Aet, int Port, string Host);

/// <summary>
/// Modalities and peers live in Orthanc's database (DicomModalitiesInDatabase / OrthancPeersInDatabase), so
/// they survive restarts and Orthanc itself is the single source of truth. Every change is audited.
/// </summary>
public sealed class ModalityAdminService(OrthancClient orthanc, AuditLog audit)
{
    public const int EchoTimeoutSeconds = 10;

    public async Task<IReadOnlyList<ModalityInput>> ListModalitiesAsync(CancellationToken ct = default)
        => (await orthanc.GetModalitiesAsync(ct)).OrderBy(m => m.Key, StringComparer.OrdinalIgnoreCase).Select(m => ModalityInput.From(m.Key, m.Value)).ToList();

    public async Task SaveModalityAsync(ModalityInput input, CancellationToken ct = default)
    {
        new ModalityInput.Validator().ValidateAndThrow(input);
        await orthanc.PutModalityAsync(input.Name, input.ToOrthanc(), ct);
        await audit.WriteAsync("modality.save", $"modality:{input.Name}", $"{input.Aet}@{input.Host}:{input.Port}", ct: ct);
    }

    public async Task DeleteModalityAsync(string name, CancellationToken ct = default)
    {
        await orthanc.DeleteModalityAsync(name, ct);
        await audit.WriteAsync("modality.delete", $"modality:{name}", ct: ct);
    }

    public async Task<ConnectivityResult> EchoAsync(string name, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        ConnectivityResult result;
        try
        {
            await orthanc.EchoAsync(name, EchoTimeoutSeconds, ct);
            result = new ConnectivityResult(ConnectivityOutcome.Ok, $"{name}: C-ECHO succeeded.", watch.Elapsed);
        }
        catch (OrthancException ex) when (ex.Failure is not (OrthancFailure.Unauthorized or OrthancFailure.NotFound))
        {
            result = ConnectivityResult.FromFailure(name, ex, watch.Elapsed);
        }
        await audit.WriteAsync("modality.echo", $"modality:{name}", result.Outcome.ToString(), result.Ok, ct);
        return result;
    }

    public async Task<IReadOnlyList<PeerRow>> ListPeersAsync(CancellationToken ct = default)
        => (await orthanc.GetPeersAsync(ct)).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .Select(p => new PeerRow(p.Key, p.Value["Url"]?.ToString() ?? "", p.Value["Username"]?.ToString()))
            .ToList();

    public async Task SavePeerAsync(PeerInput input, CancellationToken ct = default)
    {
        new PeerInput.Validator().ValidateAndThrow(input);
        await orthanc.PutPeerAsync(input.Name, new OrthancPeer
        {
            Url = input.Url.Trim(),
            Username = string.IsNullOrWhiteSpace(input.Username) ? null : input.Username.Trim(),
            Password = string.IsNullOrEmpty(input.Password) ? null : input.Password,
        }, ct);
        await audit.WriteAsync("peer.save", $"peer:{input.Name}", input.Url, ct: ct);
    }

    public async Task DeletePeerAsync(string name, CancellationToken ct = default)
    {
        await orthanc.DeletePeerAsync(name, ct);
        await audit.WriteAsync("peer.delete", $"peer:{name}", ct: ct);
    }

    public async Task<ConnectivityResult> TestPeerAsync(string name, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        ConnectivityResult result;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(EchoTimeoutSeconds + 5));
            var system = await orthanc.TestPeerAsync(name, timeout.Token);
            result = new ConnectivityResult(ConnectivityOutcome.Ok, $"{name}: the peer answered (Orthanc {system["Version"]}).", watch.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = new ConnectivityResult(ConnectivityOutcome.Timeout, $"{name}: the peer did not answer in time.", watch.Elapsed);
        }
        catch (OrthancException ex) when (ex.Failure is not OrthancFailure.Unauthorized)
        {
            result = ConnectivityResult.FromFailure(name, ex, watch.Elapsed);
        }
        await audit.WriteAsync("peer.test", $"peer:{name}", result.Outcome.ToString(), result.Ok, ct);
        return result;
    }

    public async Task<PortalDicomIdentity> GetOwnIdentityAsync(CancellationToken ct = default)
    {
        var system = await orthanc.GetSystemAsync(ct);
        return new PortalDicomIdentity(system.DicomAet, system.DicomPort, System.Net.Dns.GetHostName());
    }
}
