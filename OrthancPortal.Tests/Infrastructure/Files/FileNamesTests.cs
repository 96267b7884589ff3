using OrthancPortal.Infrastructure.Files;

namespace OrthancPortal.Tests.Infrastructure.Files;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("R0000000001", "R0000000001")]
    [InlineData("1.2.840.113619.2.55", "1.2.840.113619.2.55")]
    [InlineData("../../etc/passwd", "etc_passwd")]
    [InlineData("..\\..\\windows\\win.ini", "windows_win.ini")]
    [InlineData("/absolute/path", "absolute_path")]
    [InlineData("a/../b", "a___b")]
    [InlineData("name..zip", "name_zip")]
    [InlineData(".hidden", "hidden")]
    [InlineData("...", "fallback")]
    [InlineData("", "fallback")]
    [InlineData("   ", "fallback")]
    [InlineData(null, "fallback")]
    [InlineData("Müller^Jürgen", "Muller_Jurgen")]
    [InlineData("Ｆｕｌｌｗｉｄｔｈ", "Fullwidth")]
    [InlineData("山田^太郎", "fallback")] // nothing plain is left
    [InlineData("a\0b\nc\u202Ed", "a_b_c_d")]
    [InlineData("C:evil*?\"<>|", "C_evil")]
    [InlineData("P 1:x", "P_1_x")]
    [InlineData("../P 1/ü:x", "P_1_u_x")]
    public void Keeps_only_plain_characters_and_never_a_path(string? value, string expected)
        => FileNames.Safe(value, "fallback").ShouldBe(expected);

    [Fact]
    public void Long_names_are_cut_without_a_trailing_dot()
    {
        FileNames.Safe(new string('a', 200), "x").Length.ShouldBe(FileNames.MaxLength);
        FileNames.Safe(new string('a', 9) + "." + new string('b', 20), "x", maxLength: 10).ShouldBe("aaaaaaaaa");
    }
}
