using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Audit;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Infrastructure.Database;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Tests.Features.Anonymization;

public sealed class AnonymizationTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static readonly Actor Tester = new(null, "tester", null);

    [Fact]
    public async Task Default_profile_keeps_dates_and_weight_replaces_names_and_ids_drops_private_tags_and_secondary_capture()
    {
        var study = AnonymizationTestDicom.Study("DEF-1", "Default^Dora", withSecondaryCapture: true);
        var original = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var anonymizer = scope.ServiceProvider.GetRequiredService<AnonymizationService>();

        var newId = await anonymizer.AnonymizeStudyAsync(original, BuiltInProfiles.DefaultId,
            new AnonymizationOverrides("ANON^ONE", "ANON001", "Research CT", "RA0001"), Tester);

        var series = (await fixture.Local.GetJsonAsync($"studies/{newId}/series")).AsArray();
        series.Count.ShouldBe(1, "the Secondary Capture series is dropped");
        var tags = await FirstInstanceTagsAsync(newId);
        Value(tags, "0010,0010").ShouldBe("ANON^ONE");
        Value(tags, "0010,0020").ShouldBe("ANON001");
        Value(tags, "0008,0050").ShouldBe("RA0001");
        Value(tags, "0008,1030").ShouldBe("Research CT");
        Value(tags, "0008,0020").ShouldBe(study.Date);
        Value(tags, "0008,0021").ShouldBe(study.Date);
        Value(tags, "0008,0023").ShouldBe(study.Date);
        Value(tags, "0008,0030").ShouldBe(study.Time);
        Value(tags, "0010,1030").ShouldBe("72.5");
        Value(tags, "0010,0040").ShouldBe("F");
        Value(tags, "0008,103E").ShouldBe("CT series 1");
        Value(tags, "0020,000D").ShouldNotBe(study.StudyUid);
        tags.Select(t => t.Key).Where(k => k.StartsWith("0009,", StringComparison.Ordinal)).ShouldBeEmpty("private tags are removed");
        (await fixture.Local.GetJsonAsync($"studies/{original}")).ShouldNotBeNull("the original stays");

        var provenance = await anonymizer.ProvenanceAsync(newId);
        provenance.ShouldNotBeNull();
        provenance.ProfileId.ShouldBe(BuiltInProfiles.DefaultId);
        provenance.ProfileVersion.ShouldBe(1);
        provenance.DicomVersion.ShouldBe("2021b");
    }

    [Fact]
    public async Task Full_profile_removes_the_dates_too()
    {
        var study = AnonymizationTestDicom.Study("FULL-1", "Full^Fritz");
        var original = await SendAndFindAsync(study);
        using var scope = fixture.Portal.Services.CreateScope();
        var newId = await scope.ServiceProvider.GetRequiredService<AnonymizationService>()
            .AnonymizeStudyAsync(original, BuiltInProfiles.FullId, new AnonymizationOverrides("FULL^ANON", "FULL001"), Tester);

        var tags = await FirstInstanceTagsAsync(newId);
        Value(tags, "0010,0010").ShouldBe("FULL^ANON");
        Value(tags, "0010,0020").ShouldBe("FULL001");
        foreach (var date in new[] { "0008,0020", "0008,0021", "0008,0022", "0008,0023", "0010,0030" })
        {
            (Value(tags, date) ?? "").ShouldNotBe(study.Date, $"{date} must not keep the original date");
            (Value(tags, date) ?? "").ShouldNotBe("19650312");
        }
        Value(tags, "0008,1030").ShouldBeNullOrEmpty();
        tags.Select(t => t.Key).Where(k => k.StartsWith("0009,", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_pseudonym_profile_gives_the_same_patient_the_same_id_and_another_patient_another_and_the_map_is_guarded()
    {
        using var scope = fixture.Portal.Services.CreateScope();
        var sp = scope.ServiceProvider;
        await sp.GetRequiredService<PseudonymService>().CreateProjectAsync("trial", PseudonymMode.Sequential, "TR", 4, Tester);
        var profile = await sp.GetRequiredService<ProfileStore>().SaveAsync(null, "Trial", new ProfileRules
        {
            PseudonymProject = "trial",
            DateShift = DateShiftMode.PerPatient,
            DateShiftDays = 30,
        }, Tester);
        var anonymizer = sp.GetRequiredService<AnonymizationService>();

        var first = await SendAndFindAsync(AnonymizationTestDicom.Study("PSEUDO-X", "Same^Patient", date: "20240110"));
        var second = await SendAndFindAsync(AnonymizationTestDicom.Study("PSEUDO-X", "Same^Patient", date: "20240110"));
        var other = await SendAndFindAsync(AnonymizationTestDicom.Study("PSEUDO-Y", "Other^Patient", date: "20240110"));

        var a = await FirstInstanceTagsAsync(await anonymizer.AnonymizeStudyAsync(first, profile.Id, AnonymizationOverrides.None, Tester));
        var b = await FirstInstanceTagsAsync(await anonymizer.AnonymizeStudyAsync(second, profile.Id, new AnonymizationOverrides(PatientId: "TYPED-ID"), Tester));
        var c = await FirstInstanceTagsAsync(await anonymizer.AnonymizeStudyAsync(other, profile.Id, AnonymizationOverrides.None, Tester));

        Value(a, "0010,0020").ShouldBe("TR0001");
        Value(b, "0010,0020").ShouldBe("TR0001", "the table, not a typed value, decides the pseudonym");
        Value(c, "0010,0020").ShouldBe("TR0002");
        Value(a, "0008,0020").ShouldNotBe("20240110", "dates are shifted");
        Value(a, "0008,0020").ShouldBe(Value(b, "0008,0020"), "the same patient gets the same shift");

        var map = await sp.GetRequiredService<PseudonymService>().ReverseMapAsync("trial", Tester);
        map.Select(m => (m.Pseudonym, m.OriginalPatientId)).ShouldBe([("TR0001", "PSEUDO-X"), ("TR0002", "PSEUDO-Y")]);

        using var user = await fixture.SignInAsync(PortalFixture.StandardUser);
        (await user.GetAsync("api/pseudonyms/trial/map.csv")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var admin = await fixture.SignInAsync(PortalFixture.AdminUser);
        var csv = await admin.GetStringAsync("api/pseudonyms/trial/map.csv");
        csv.ShouldContain("TR0002,PSEUDO-Y,");
        // A German spreadsheet program splits on ';' and needs the BOM for umlauts.
        using var german = new HttpRequestMessage(HttpMethod.Get, "api/pseudonyms/trial/map.csv");
        german.Headers.AcceptLanguage.ParseAdd("de-DE");
        var bytes = await (await admin.SendAsync(german)).Content.ReadAsByteArrayAsync();
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        var germanCsv = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        germanCsv.ShouldStartWith("Pseudonym;OriginalPatientID;DateShiftDays;Created (");
        germanCsv.ShouldContain("TR0002;PSEUDO-Y;");

        await using var db = await sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audits = await db.Set<AuditEntry>().Where(e => e.Resource == "trial").Select(e => e.Action + "/" + e.UserName).ToListAsync();
        audits.ShouldContain("pseudonyms.view/tester");
        audits.ShouldContain("pseudonyms.export/" + PortalFixture.AdminUser);
    }

    private async Task<string> SendAndFindAsync(SyntheticStudy study)
    {
        await AnonymizationTestDicom.SendAsync(study, fixture.Local);
        var lookup = (await fixture.Local.Http.PostAsync("tools/lookup", new StringContent(study.StudyUid)));
        var found = JsonNode.Parse(await lookup.Content.ReadAsStringAsync())!.AsArray();
        return found.Single(n => n!["Type"]!.GetValue<string>() == "Study")!["ID"]!.GetValue<string>();
    }

    private async Task<JsonObject> FirstInstanceTagsAsync(string studyId)
    {
        var instances = (await fixture.Local.GetJsonAsync($"studies/{studyId}/instances")).AsArray();
        return (await fixture.Local.GetJsonAsync($"instances/{instances[0]!["ID"]}/tags?short")).AsObject();
    }

    private static string? Value(JsonObject tags, string tag)
    {
        var key = tags.Select(t => t.Key).FirstOrDefault(k => string.Equals(k, tag, StringComparison.OrdinalIgnoreCase));
        return key is null ? null : tags[key] is JsonValue v ? v.GetValue<string>().Trim() : null;
    }
}
