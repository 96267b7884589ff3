using System.Globalization;
using System.Resources;
using OrthancPortal.Tests.Harness;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Automation;
using OrthancPortal.Features.Burner;
using OrthancPortal.Features.Labels;
using OrthancPortal.Features.Shares;
using OrthancPortal.Infrastructure.Localization;
using Shouldly;

namespace OrthancPortal.Tests.Infrastructure.Localization;

/// <summary>
/// Texts made outside a page (refusals, permission descriptions, rule file problems, burner details, share labels) read
/// in the language of the reader or of the user who started the work, and the English stays as it was.
/// </summary>
public sealed class GermanBackgroundTextTests
{
    private static async Task<T> InAsync<T>(string culture, Func<T> read)
        => await PortalCultures.RunInAsync(culture, () => Task.FromResult(read()));

    [Fact]
    public async Task Running_under_a_recorded_language_switches_the_texts_and_leaves_the_callers_culture_alone()
    {
        var before = CultureInfo.CurrentUICulture;
        (await InAsync(PortalCultures.German, () => CultureInfo.CurrentUICulture.Name)).ShouldBe(PortalCultures.German);
        (await InAsync(PortalCultures.German, PortalCultures.ForLaterWork)).ShouldBe(PortalCultures.German);
        (await InAsync("", () => CultureInfo.CurrentUICulture.Name)).ShouldBe(PortalCultures.SiteDefault.Name, "a row from before the column");
        CultureInfo.CurrentUICulture.ShouldBe(before);
    }

    [Fact]
    public async Task Label_refusals_and_permission_descriptions_are_German_for_a_German_reader()
    {
        var limit = new LabelLimit(new HashSet<string> { "research" });
        (await InAsync(PortalCultures.English, () => StudyAccess.OutsideReason(limit))).ShouldBe("This is not available to you: your role sees only studies labelled research.");
        (await InAsync(PortalCultures.German, () => StudyAccess.OutsideReason(limit))).ShouldBe("Das ist für Sie nicht freigegeben: Ihre Rolle sieht nur Studien mit dem Label „research“.");
        (await InAsync(PortalCultures.English, () => Permissions.Describe(Permissions.Delete))).ShouldBe("Delete patients, studies and series");
        (await InAsync(PortalCultures.German, () => Permissions.Describe(Permissions.Delete))).ShouldBe("Patienten, Studien und Serien löschen");
        foreach (var p in Permissions.All)
        {
            (await InAsync(PortalCultures.German, () => Permissions.Describe(p))).ShouldNotBe(await InAsync(PortalCultures.English, () => Permissions.Describe(p)), p);
        }
    }

    [Fact]
    public async Task A_rule_file_problem_is_English_in_the_log_and_in_each_readers_language_on_the_page()
    {
        var ex = Should.Throw<RuleFileException>(() => RuleFileFormat.Parse("""{ "Tags": [ { "Value": "x" } ] }""", "bad"));
        ex.Message.ShouldBe("Tags[0] has no TagName.");
        var error = new RuleFileError("bad.json", ex);
        (await InAsync(PortalCultures.German, () => error.Error)).ShouldBe("Tags[0] hat keinen TagName.");
        (await InAsync(PortalCultures.English, () => error.Error)).ShouldBe("Tags[0] has no TagName.");
        error.ShouldBe(new RuleFileError("bad.json", new RuleFileException("Tags[{0}] has no TagName.", [0])), "the same problem keeps the snapshot");

        var json = Should.Throw<RuleFileException>(() => RuleFileFormat.Parse("{\n  \"CheckOn\": \"Study\",\n  oops\n}", "bad"));
        (await InAsync(PortalCultures.German, json.Localized)).ShouldStartWith("Kein gültiges JSON in Zeile 3:");
    }

    [Fact]
    public async Task The_disc_software_states_are_written_in_the_jobs_language()
    {
        var job = new BurnerJob { State = BurnerJobState.Submitted };
        (await InAsync(PortalCultures.German, () => DiscStatus.Decide(job, ".INP", DateTime.UtcNow, TimeSpan.FromMinutes(5))!.Detail)).ShouldBe("Wird gebrannt");
        (await InAsync(PortalCultures.English, () => DiscStatus.Decide(job, ".INP", DateTime.UtcNow, TimeSpan.FromMinutes(5))!.Detail)).ShouldBe("Burning");
        (await InAsync(PortalCultures.German, () => BurnerQueue.Reason(new UnauthorizedAccessException("denied")))).ShouldBe("Der Auftrag konnte nicht geschrieben werden: denied");
    }

    [Fact]
    public async Task A_shared_studys_label_shows_the_name_and_date_as_people_read_them()
    {
        (await InAsync(PortalCultures.German, () => ShareStudy.DisplayLabel("Müller^Jürgen\t20240302\tCT Thorax"))).ShouldBe("Müller, Jürgen · 02.03.2024 · CT Thorax");
        (await InAsync(PortalCultures.English, () => ShareStudy.DisplayLabel("Müller^Jürgen\t20240302\t"))).ShouldBe("Müller, Jürgen · 02/03/2024");
        // Stored before the separator: space-separated.
        (await InAsync(PortalCultures.German, () => ShareStudy.DisplayLabel("Müller^Jürgen 20240302 CT Thorax"))).ShouldBe("Müller, Jürgen 02.03.2024 CT Thorax");
    }

    [Fact]
    public void Every_German_resource_file_is_found_under_the_name_its_localizer_reads()
    {
        // IStringLocalizer<X> reads the resource named after X's namespace and name, i.e. the file's folder path; a resx
        // named after another class (MSBuild's DependentUpon convention) would silently leave the page in English.
        var source = Path.Combine(TestEnvironment.RepositoryRoot, "OrthancPortal");
        // The satellite assembly is built for the neutral "de" (de-DE falls back to it).
        var german = new CultureInfo(PortalCultures.German).Parent;
        var lost = Directory.EnumerateFiles(source, "*.de.resx", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => "OrthancPortal." + Path.GetRelativePath(source, f)[..^".de.resx".Length].Replace(Path.DirectorySeparatorChar, '.'))
            .Where(name => new ResourceManager(name, typeof(PortalCultures).Assembly).GetResourceSet(german, createIfNotExists: true, tryParents: false) is null)
            .ToList();
        lost.ShouldBeEmpty();
    }
}
