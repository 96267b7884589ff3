using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrthancPortal.Tests.Harness;
using Shouldly;

namespace OrthancPortal.Tests.Infrastructure.Localization;

/// <summary>
/// Every English text a component or class looks up (<c>L["..."]</c> with <c>IStringLocalizer&lt;Itself&gt;</c>) has its
/// German entry in the .de.resx beside it, and every menu title has one in NavMenu.de.resx; a missing entry would show
/// English in the middle of a German page.
/// </summary>
public sealed partial class TranslationTests
{
    private static readonly string Source = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal");

    [Fact]
    public void Every_looked_up_text_has_a_German_translation()
    {
        var missing = new List<string>();
        var checkedFiles = 0;
        foreach (var file in Directory.EnumerateFiles(Source, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            var text = File.ReadAllText(file);
            // The resx named by the file's own localizer: the component itself, or the type a validator's static
            // PortalText.For<T>() names (StudySearch.cs holds StudyQueryValidator).
            var name = Path.GetFileName(file).Split('.')[0];
            if (!text.Contains($"IStringLocalizer<{name}>", StringComparison.Ordinal))
            {
                var own = OwnLocalizer().Match(text);
                if (!own.Success) continue;
                name = own.Groups["type"].Value;
            }
            checkedFiles++;
            var keys = LookUp().Matches(text).Select(m => Unescape(m.Groups["key"].Value)).ToHashSet(StringComparer.Ordinal);
            var resx = Path.Combine(Path.GetDirectoryName(file)!, name + ".de.resx");
            var german = Entries(resx);
            missing.AddRange(keys.Where(k => !german.ContainsKey(k)).Select(k => $"{Path.GetRelativePath(Source, resx)}: \"{k}\""));
        }
        checkedFiles.ShouldBeGreaterThan(3);
        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Validation_messages_are_looked_up_so_German_users_read_them_in_German()
    {
        // .WithMessage("English") would show English at a field of a German form; .WithMessage(_ => L["English"]) is
        // checked by the test above.
        var literal = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => LiteralMessage().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(Source, f)}: {m.Value}"))
            .ToList();
        literal.ShouldBeEmpty();
    }

    [Fact]
    public void Every_menu_entry_and_section_has_a_German_title()
    {
        var titles = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => NavTitle().Matches(File.ReadAllText(f)).Select(m => m.Groups["title"].Value))
            .Concat(Enum.GetValues<OrthancPortal.Components.Layout.AdminSection>().Select(OrthancPortal.Components.Layout.NavMenu.SectionTitle).Where(t => t.Length > 0))
            .Append("Administration")
            .ToList();
        titles.Count.ShouldBeGreaterThan(20);
        var german = Entries(Path.Combine(Source, "Components", "Layout", "NavMenu.de.resx"));
        titles.Where(t => !german.ContainsKey(t)).ShouldBeEmpty();
    }

    [Fact]
    public void German_entries_are_not_left_in_English_by_mistake()
    {
        // An entry whose German equals its key is fine for names ("Orthanc", "Plugins"), not for sentences.
        var suspicious = Directory.EnumerateFiles(Source, "*.de.resx", SearchOption.AllDirectories)
            .SelectMany(f => Entries(f).Where(e => e.Key == e.Value && e.Key.Contains(' ') && e.Key.Length > 12).Select(e => $"{Path.GetFileName(f)}: {e.Key}"))
            .ToList();
        suspicious.ShouldBeEmpty();
    }

    [Fact]
    public void No_resource_file_holds_two_keys_that_differ_only_in_case()
    {
        // The resource compiler matches names ignoring case and drops the second ("new label" beside "New label"), so
        // one of the two texts silently showed the other's German.
        var clashes = Directory.EnumerateFiles(Source, "*.resx", SearchOption.AllDirectories)
            .SelectMany(f => XDocument.Load(f).Root!.Elements("data").Select(d => (string)d.Attribute("name")!)
                .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"{Path.GetFileName(f)}: {string.Join(" / ", g)}"))
            .ToList();
        clashes.ShouldBeEmpty();
    }

    private static Dictionary<string, string> Entries(string resx)
        => File.Exists(resx)
            ? XDocument.Load(resx).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal)
            : [];

    private static string Unescape(string literal) => Regex.Unescape(literal);

    // L["text"] and L["text", args]: only literal keys (a key held in a variable is checked where it is defined).
    [GeneratedRegex("""\bL\["(?<key>(?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex LookUp();

    [GeneratedRegex("""IStringLocalizer<(?<type>\w+)> L\b""")]
    private static partial Regex OwnLocalizer();

    // .WithMessage("English") and .WithMessage(x => $"English {x.Value}"): both bypass the localizer.
    [GeneratedRegex("""\.WithMessage\(\s*(?:\w+\s*=>\s*)?\$?"[^"\r\n]*""")]
    private static partial Regex LiteralMessage();

    [GeneratedRegex("new NavItem\\(\"(?<title>[^\"]+)\"")]
    private static partial Regex NavTitle();
}
