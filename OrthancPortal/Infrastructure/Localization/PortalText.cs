using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OrthancPortal.Infrastructure.Localization;

/// <summary>
/// Texts for classes that are created with <c>new</c> rather than by the container, such as FluentValidation validators:
/// <c>private static readonly IStringLocalizer&lt;WorklistInput&gt; L = PortalText.For&lt;WorklistInput&gt;();</c> reads
/// <c>WorklistInput.de.resx</c> beside the class, like an injected localizer. Messages are looked up when a rule fails
/// (<c>.WithMessage(_ =&gt; L["English text"])</c>), so they follow the current UI culture of the circuit or request, not
/// the one the validator was built in. FluentValidation's own default messages follow CurrentUICulture by themselves.
/// </summary>
public static class PortalText
{
    private static readonly IStringLocalizerFactory Factory =
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);

    public static IStringLocalizer<T> For<T>() => new StringLocalizer<T>(Factory);
}
