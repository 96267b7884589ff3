using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Features.Orthanc;

/// <summary>Ids and names that go into Orthanc URLs: anything that could steer the path is refused.</summary>
public sealed class OrthancClientValidationTests
{
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("...")]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("")]
    public void Names_that_would_walk_or_split_the_URL_are_refused(string name)
        => Should.Throw<OrthancException>(() => OrthancClient.Name(name));

    [Theory]
    [InlineData("remote")]
    [InlineData("PACS-2_b.local")]
    [InlineData("explorer.js")]
    public void Plain_names_pass(string name) => OrthancClient.Name(name).ShouldBe(name);

    [Theory]
    [InlineData("..")]
    [InlineData("../system")]
    [InlineData("0a1b2c3d-0a1b2c3d%2F..")]
    [InlineData("0a1b2c3d-0a1b2c3d?_method=DELETE")]
    [InlineData("")]
    public void Ids_that_are_not_hex_and_dashes_are_refused(string id)
        => Should.Throw<OrthancException>(() => OrthancClient.Id(id));
}
