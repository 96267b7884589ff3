using Bunit;
using OrthancPortal.Features.Anonymization;
using OrthancPortal.Features.Baskets.Pages;

namespace OrthancPortal.Tests.Components.Baskets;

public sealed class ProfileExplanationTests : PortalComponentTest
{
    [Fact]
    public void The_Default_profile_says_in_words_which_dates_and_body_data_it_keeps_and_what_it_leaves_out()
    {
        var cut = Render<ProfileExplanation>(p => p.Add(x => x.Profile, BuiltInProfiles.Default));
        var text = cut.Find("[data-test=profile-explained]").TextContent;
        text.ShouldContain("Kept: study date, series date");
        text.ShouldContain("sex");
        text.ShouldContain("age");
        text.ShouldContain("series description");
        text.ShouldContain("study description: your new value, otherwise emptied.");
        text.ShouldContain("Left out: Secondary Capture, structured report (SR) series.");
        text.ShouldNotContain("0008,");
    }

    [Fact]
    public void The_Full_profile_says_that_no_date_is_kept()
    {
        var cut = Render<ProfileExplanation>(p => p.Add(x => x.Profile, BuiltInProfiles.Full));
        cut.Find("[data-test=profile-explained]").TextContent.ShouldContain("Nothing else is kept");
    }

    [Fact]
    public void A_custom_profile_is_explained_from_its_own_rules()
    {
        var custom = new AnonymizationProfile("custom-1", "Study", 3, false, new ProfileRules
        {
            Keep = ["PatientSex", "0010,9999"], DateShift = DateShiftMode.FixedDays, DateShiftDays = -30, PseudonymProject = "TRIAL",
        });
        var text = Render<ProfileExplanation>(p => p.Add(x => x.Profile, custom)).Find("[data-test=profile-explained]").TextContent;
        text.ShouldContain("Study v3");
        text.ShouldContain("Kept: sex, 0010,9999.");
        text.ShouldContain("Dates are shifted by -30 days.");
        text.ShouldContain("pseudonym project TRIAL");
    }
}
