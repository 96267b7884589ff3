using System.Text.Json.Nodes;
using OrthancPortal.Features.Access;
using OrthancPortal.Features.Content;
using OrthancPortal.Features.Import;
using OrthancPortal.Features.Orthanc;
using OrthancPortal.Features.Viewers;

namespace OrthancPortal.Tests.Features.Content;

public sealed class ContentUnitTests
{
    [Fact]
    public void A_plain_part_of_a_name_matches_anywhere_one_in_quotes_exactly_and_own_wildcards_stay()
    {
        StudyQuery.Contains("anna").ShouldBe("*anna*");
        StudyQuery.Contains(" Mus*ter ").ShouldBe("Mus*ter");
        StudyQuery.Contains("\"Muster^Anna\"").ShouldBe("Muster^Anna");
        StudyQuery.Contains("\"\"").ShouldBeNull();
        StudyQuery.Contains("  ").ShouldBeNull();
        new StudyQuery { PatientName = "anna", StudyDescription = "thorax" }.ToOrthancQuery()
            .ShouldBe(new Dictionary<string, string> { ["PatientName"] = "*anna*", ["StudyDescription"] = "*thorax*" });
    }

    [Fact]
    public void A_query_sends_only_filled_fields_with_wildcards_modalities_and_a_date_range()
    {
        var q = new StudyQuery { PatientName = " Mus* ", Modalities = ["CT", "MR"], From = new(2024, 1, 1), To = new(2024, 1, 31) }.ToOrthancQuery();
        q.ShouldBe(new Dictionary<string, string> { ["PatientName"] = "Mus*", ["ModalitiesInStudy"] = "CT\\MR", ["StudyDate"] = "20240101-20240131" });
        new StudyQuery { From = new(2024, 5, 2) }.ToOrthancQuery()["StudyDate"].ShouldBe("20240502-");
        new StudyQuery { From = new(2024, 5, 2), To = new(2024, 5, 2) }.ToOrthancQuery()["StudyDate"].ShouldBe("20240502-20240502");
    }

    [Fact]
    public void Garbage_and_absurd_ranges_are_refused_with_a_reason()
    {
        var validator = new StudyQueryValidator();
        validator.Validate(new StudyQuery { PatientName = "a\\b" }).Errors.Single().ErrorMessage.ShouldContain("backslash");
        validator.Validate(new StudyQuery { From = new(2024, 2, 1), To = new(2024, 1, 1) }).Errors.Single().ErrorMessage.ShouldContain("after the end");
        validator.Validate(new StudyQuery { From = new(1200, 1, 1) }).IsValid.ShouldBeFalse();
        validator.Validate(new StudyQuery { Modalities = ["C;T"] }).IsValid.ShouldBeFalse();
        validator.Validate(new StudyQuery { PatientName = "M?ster*", Modalities = ["CT"] }).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Modify_requests_allow_only_the_levels_own_tags_with_valid_values()
    {
        var v = new ModifyTagsRequestValidator();
        v.Validate(new ModifyTagsRequest(ResourceLevel.Patient, "x", new() { ["PatientName"] = "New^Name" }, true)).IsValid.ShouldBeTrue();
        v.Validate(new ModifyTagsRequest(ResourceLevel.Patient, "x", new() { ["StudyDescription"] = "x" }, true)).Errors.Single().ErrorMessage.ShouldContain("cannot be changed");
        v.Validate(new ModifyTagsRequest(ResourceLevel.Study, "x", new() { ["StudyDate"] = "2024-01-01" }, true)).Errors.Single().ErrorMessage.ShouldContain("YYYYMMDD");
        v.Validate(new ModifyTagsRequest(ResourceLevel.Series, "x", [], true)).Errors.Single().ErrorMessage.ShouldContain("at least one");
        v.Validate(new ModifyTagsRequest(ResourceLevel.Instance, "x", new() { ["PatientName"] = "a" }, true)).IsValid.ShouldBeFalse();
    }

    [Theory]
    [InlineData("a/b/c.dcm", true)]
    [InlineData("file.dcm", true)]
    [InlineData("../evil.dcm", false)]
    [InlineData("a/../../evil.dcm", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("\\windows\\x", false)]
    [InlineData("C:/x.dcm", false)]
    [InlineData("a\\..\\b", false)]
    public void Zip_entry_names_that_could_escape_are_refused(string name, bool safe) => ImportService.IsSafeEntryName(name).ShouldBe(safe);

    [Fact]
    public void The_tag_tree_keeps_sequences_and_their_items()
    {
        var json = JsonNode.Parse("""
            {"0010,0010":{"Name":"PatientName","Type":"String","Value":"A^B"},
             "0008,1110":{"Name":"ReferencedStudySequence","Type":"Sequence","Value":[{"0008,1150":{"Name":"ReferencedSOPClassUID","Type":"String","Value":"1.2"}},{}]},
             "7fe0,0010":{"Name":"PixelData","Type":"TooLong","Value":null},
             "0008,0005":{"Name":"SpecificCharacterSet","Type":"Null","Value":null}}
            """)!.AsObject();
        var tree = TagNode.FromOrthanc(json);
        tree.Select(t => t.Tag).ShouldBe(["0008,0005", "0008,1110", "0010,0010", "7fe0,0010"]);
        var seq = tree[1];
        seq.IsSequence.ShouldBeTrue();
        seq.Items.Count.ShouldBe(2);
        seq.Items[0].Single().Value.ShouldBe("1.2");
        tree[3].Value.ShouldBe("(too long to show)");
    }

    [Fact]
    public void Viewer_templates_fill_in_and_escape_the_study_values()
    {
        var values = new ViewerLinks.StudyValues("https://portal.example/", "1.2.3", "abc-def", "ser-1", "P 1");
        var links = ViewerSettings.Defaults().ToDictionary(l => l.Name, l => ViewerLinks.Render(l.Template, values));
        links["Orthanc Web Viewer"].ShouldBe("https://portal.example/web-viewer/app/viewer.html?series=ser-1");
        links["OHIF"].ShouldBe("https://portal.example/ohif/viewer?StudyInstanceUIDs=1.2.3");
        links["Weasis"].ShouldStartWith("weasis://%24dicom%3Ars%20--url%20%22https%3A%2F%2Fportal.example%2Fdicom-web%22");
        new ViewerSettingsValidator().Validate(new ViewerSettings { Links = [new() { Name = "x", Template = "javascript:alert(1)" }] }).IsValid.ShouldBeFalse();
    }

    [Fact]
    public void An_import_session_counts_files_bytes_and_zip_entries()
    {
        var s = new ImportSession();
        s.Queue([new(0, "a.dcm", 100), new(1, "notes.txt", 10), new(2, "set.zip", 1000)]);
        s.Running.ShouldBeTrue();
        s.Complete(0, [new("a.dcm", ImportStatus.Stored, null, 100, "s1")]);
        s.Complete(1, [new("notes.txt", ImportStatus.Skipped, "Not a DICOM file.", 10, null)]);
        s.Complete(2, [new("set.zip/x.dcm", ImportStatus.AlreadyPresent, null, 600, "s1"), new("set.zip/../y", ImportStatus.Error, "Unsafe", 5, null)]);
        s.Complete(2, []);
        s.Running.ShouldBeFalse();
        (s.FilesDone, s.BytesDone, s.BytesQueued).ShouldBe((3, 1110L, 1110L));
        s.Rows.Select(r => r.Name).ShouldBe(["a.dcm", "notes.txt", "set.zip/x.dcm", "set.zip/../y"]);
        (s.Count(ImportStatus.Stored), s.Count(ImportStatus.Skipped), s.Count(ImportStatus.AlreadyPresent), s.Count(ImportStatus.Error)).ShouldBe((1, 1, 1, 1));
        s.StudyIds.ShouldBe(["s1"]);
    }

    [Fact]
    public void A_reloaded_study_row_is_the_same_row_so_the_grid_keeps_its_elements_and_a_tick_in_flight()
    {
        // MudDataGrid keys rows by item (@key); each load makes new rows with new label lists.
        var first = new StudyRow("s1", "p1", "Muster, Anna", "P1", "", "2026-12-01", "CT", "A1", 1, "1.2.3", ["research"]);
        var reloaded = first with { Labels = ["research"], Description = "CT Thorax" };
        reloaded.ShouldBe(first);
        reloaded.GetHashCode().ShouldBe(first.GetHashCode());
        (first with { Id = "s2" }).ShouldNotBe(first);

        var user = new UserRow("u1", "anna", null, "Local", false, false, false, ["viewer"]);
        (user with { Roles = ["viewer", "admin"] }).ShouldBe(user);
        (user with { Id = "u2" }).ShouldNotBe(user);
    }
}
