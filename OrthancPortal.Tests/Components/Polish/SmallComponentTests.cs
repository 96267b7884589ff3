using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Components.Layout;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Orthanc.Pages;

namespace OrthancPortal.Tests.Components.Polish;

/// <summary>The language switch and the trigger sources editor: what they post and what they change.</summary>
public sealed class SmallComponentTests : PortalComponentTest
{

    private sealed class NoAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("token", "__RequestVerificationToken");
    }

    [Fact]
    public void The_language_menu_marks_the_current_language_and_returns_to_the_page_the_user_is_on()
    {
        Services.AddSingleton<AntiforgeryStateProvider, NoAntiforgery>();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("content/studies?name=anna");
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            var menu = Render<LanguageMenu>();
            menu.Find("[data-test=language-de]").GetAttribute("aria-pressed").ShouldBe("true");
            menu.Find("[data-test=language-en]").GetAttribute("aria-pressed").ShouldBe("false");
            menu.Find("[data-test=language-en]").GetAttribute("value").ShouldBe("en-GB");
            menu.Find("input[name=returnUrl]").GetAttribute("value").ShouldBe("/content/studies?name=anna");
            menu.Find("form").GetAttribute("action").ShouldBe("culture");
        }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    private static IElement Input(IRenderedComponent<TriggerSourcesEditor> editor, string test)
    {
        var element = editor.Find($"[data-test={test}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public void The_explanation_and_the_summary_are_separated_by_spaces()
    {
        var sources = new TriggerSources { ReceivedByDicom = true, CallingAets = "" };
        var editor = Render<TriggerSourcesEditor>(p => p.Add(e => e.Value, sources).Add(e => e.Key, "k").Add(e => e.Explanation, "Only these."));
        editor.Find(".mud-typography-caption").TextContent.Trim().ShouldBe("Only these. Now: sent by DICOM from any AET.");
    }

    [Fact]
    public void Turning_off_DICOM_disables_the_AE_titles_and_the_summary_follows()
    {
        var sources = new TriggerSources { ReceivedByDicom = true, CallingAets = "CT01", Uploaded = false, Retrieved = false, Copies = false };
        var editor = Render<TriggerSourcesEditor>(p => p.Add(e => e.Value, sources).Add(e => e.Key, "k"));
        editor.Find("[data-test=sources-k-summary]").TextContent.ShouldBe("sent by DICOM from CT01");
        Input(editor, "sources-k-aets").HasAttribute("disabled").ShouldBeFalse();

        Input(editor, "sources-k-dicom").Change(false);
        sources.ReceivedByDicom.ShouldBeFalse();
        editor.Find("[data-test=sources-k-summary]").TextContent.ShouldBe("no studies");
        Input(editor, "sources-k-aets").HasAttribute("disabled").ShouldBeTrue();

        Input(editor, "sources-k-uploaded").Change(true);
        sources.Uploaded.ShouldBeTrue();
        editor.Find("[data-test=sources-k-summary]").TextContent.ShouldBe("uploaded or imported");
    }
}
