using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Anonymization;

/// <summary>The pseudonym table a page at a time, and importing a table as CSV in the user's culture.</summary>
public sealed class PseudonymTableTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static readonly Actor Tester = new(null, "table-tester", null);
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    [Fact]
    public async Task A_German_export_imports_into_another_project_and_a_second_import_adds_nothing()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var pseudonyms = scope.ServiceProvider.GetRequiredService<PseudonymService>();
        await pseudonyms.CreateProjectAsync("table-source", PseudonymMode.Sequential, "TS", 4, Tester);
        await pseudonyms.GetOrCreateAsync("table-source", "MÜLLER-1", 10);
        await pseudonyms.GetOrCreateAsync("table-source", "=cmd|calc", 10);
        var csv = await pseudonyms.ExportCsvAsync("table-source", Tester, German, TimeProvider.System);

        await pseudonyms.CreateProjectAsync("table-copy", PseudonymMode.Sequential, "TS", 4, Tester);
        var first = await pseudonyms.ImportCsvAsync("table-copy", new MemoryStream(csv), German, Tester);
        first.Errors.ShouldBeEmpty();
        first.Added.ShouldBe(2);
        var again = await pseudonyms.ImportCsvAsync("table-copy", new MemoryStream(csv), German, Tester);
        (again.Added, again.Unchanged).ShouldBe((0, 2));

        var source = await pseudonyms.ReverseMapAsync("table-source", Tester);
        var copy = await pseudonyms.ReverseMapAsync("table-copy", Tester);
        copy.Select(r => (r.Pseudonym, r.OriginalPatientId, r.DateShiftDays)).ShouldBe(source.Select(r => (r.Pseudonym, r.OriginalPatientId, r.DateShiftDays)),
            "the round trip keeps umlauts, the date shift and a value the export had to neutralize");
        // The next patient continues after the imported pseudonyms instead of reusing one.
        (await pseudonyms.GetOrCreateAsync("table-copy", "NEW-PATIENT", 0)).Pseudonym.ShouldNotBeOneOf(copy.Select(r => r.Pseudonym).ToArray());
    }

    [Fact]
    public async Task An_import_that_contradicts_the_table_or_itself_imports_nothing_and_names_each_line()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var pseudonyms = scope.ServiceProvider.GetRequiredService<PseudonymService>();
        await pseudonyms.CreateProjectAsync("table-conflict", PseudonymMode.Sequential, "TC", 4, Tester);
        var existing = await pseudonyms.GetOrCreateAsync("table-conflict", "P-1", 0);
        var text = string.Join("\r\n",
            "Pseudonym,OriginalPatientID,DateShiftDays",
            "NEW1,P-2,3",
            "OTHER,P-1,0",
            $"{existing.Pseudonym},P-3,0",
            "NEW4,P-2,0",
            "NEW5,P-5,soon",
            ",P-6,0");

        var result = await pseudonyms.ImportCsvAsync("table-conflict", new MemoryStream(Encoding.UTF8.GetBytes(text)), CultureInfo.GetCultureInfo("en-GB"), Tester);

        result.Succeeded.ShouldBeFalse();
        result.Errors.Select(e => (e.Line, e.Problem)).ShouldBe([
            (3, PseudonymImportProblem.OriginalHasAnotherPseudonym),
            (4, PseudonymImportProblem.PseudonymTaken),
            (5, PseudonymImportProblem.DuplicateInFile),
            (6, PseudonymImportProblem.BadDateShift),
            (7, PseudonymImportProblem.NoPseudonym),
        ]);
        (await pseudonyms.ReverseMapAsync("table-conflict", Tester)).Count.ShouldBe(1, "nothing of a wrong file is imported, not even its good line");

        var noHeader = await pseudonyms.ImportCsvAsync("table-conflict", new MemoryStream("A;B\n1;2"u8.ToArray()), German, Tester);
        noHeader.Errors.Single().Problem.ShouldBe(PseudonymImportProblem.MissingColumns);
    }

    [Fact]
    public async Task The_map_is_searched_sorted_and_paged_in_the_database_and_each_look_is_audited()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var pseudonyms = scope.ServiceProvider.GetRequiredService<PseudonymService>();
        await pseudonyms.CreateProjectAsync("table-pages", PseudonymMode.Sequential, "TP", 4, Tester);
        foreach (var id in new[] { "C-3", "A-1", "B-2", "D-4", "E-5" }) await pseudonyms.GetOrCreateAsync("table-pages", id, 0);

        var (byOriginal, total) = await pseudonyms.ReverseMapPageAsync("table-pages", Tester, null, nameof(PseudonymMapRow.OriginalPatientId), false, 0, 2);
        total.ShouldBe(5);
        byOriginal.Select(r => r.OriginalPatientId).ShouldBe(["A-1", "B-2"]);
        var (second, _) = await pseudonyms.ReverseMapPageAsync("table-pages", Tester, null, nameof(PseudonymMapRow.Pseudonym), true, 2, 2);
        second.Select(r => r.Pseudonym).ShouldBe(["TP0003", "TP0002"]);
        var (found, foundTotal) = await pseudonyms.ReverseMapPageAsync("table-pages", Tester, "D-4", null, false, 0, 25);
        (found.Single().Pseudonym, foundTotal).ShouldBe(("TP0004", 1));

        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var looks = await db.Set<AuditEntry>().Where(e => e.Resource == "table-pages" && e.Action == "pseudonyms.view").Select(e => e.Details).ToListAsync();
        looks.ShouldContain("rows 1-2 of 5");
        looks.ShouldContain("rows 1-1 of 1, search 'D-4'");
    }
}
