using FluentValidation;
using Microsoft.Extensions.Localization;
using OrthancPortal.Infrastructure.Localization;

namespace OrthancPortal.Features.Export;

public sealed class DestinationInputValidator : AbstractValidator<DestinationInput>
{
    private static readonly IStringLocalizer<DestinationInputValidator> L = PortalText.For<DestinationInputValidator>();

    public DestinationInputValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage(_ => L["Give the destination a name."]).MaximumLength(64).WithMessage(_ => L["A name has at most 64 characters."]);
        RuleFor(x => x.Url).NotEmpty().WithMessage(_ => L["Enter the address."]).MaximumLength(512).WithMessage(_ => L["An address has at most 512 characters."]);
        RuleFor(x => x.Url).Must((input, url) => HasScheme(url, input.Kind)).When(x => x.Kind != DestinationKind.Folder)
            .WithMessage(x => x.Kind switch
            {
                DestinationKind.WebDav => L["A WebDAV URL starts with http:// or https://"],
                DestinationKind.Sftp => L["An SFTP URL looks like sftp://host:22/folder"],
                _ => L["An FTP URL looks like ftp://host/folder"],
            });
        RuleFor(x => x.Url).Must(Path.IsPathRooted).When(x => x.Kind == DestinationKind.Folder).WithMessage(_ => L["Enter an absolute folder path, e.g. /mnt/export"]);
        RuleFor(x => x.Url).Must(u => !u.Contains("..")).WithMessage(_ => L["The path may not contain '..'."]);
        RuleFor(x => x.Username).MaximumLength(128).WithMessage(_ => L["A user name has at most 128 characters."]).Must(u => u is null || !u.Contains(':')).WithMessage(_ => L["A user name cannot contain ':'."]);
        RuleFor(x => x.PrivateKey).Must(k => string.IsNullOrEmpty(k) || k.Contains("PRIVATE KEY")).WithMessage(_ => L["Paste the private key in PEM/OpenSSH form."]);
        // Without a pinned host key anyone on the path could pose as the server and receive the patients' images.
        RuleFor(x => x.HostKeySha256).Must(k => RemoteUploader.NormalizeHostKey(k) is not null).When(x => x.Kind == DestinationKind.Sftp)
            .WithMessage(_ => L["Fetch the server's host key and confirm it (or paste its SHA256 fingerprint as ssh-keygen -l shows it)."]);
    }

    private static bool HasScheme(string url, DestinationKind kind)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && kind switch
        {
            DestinationKind.WebDav => uri.Scheme is "http" or "https",
            DestinationKind.Sftp => uri.Scheme == "sftp",
            _ => uri.Scheme == "ftp",
        };
}
