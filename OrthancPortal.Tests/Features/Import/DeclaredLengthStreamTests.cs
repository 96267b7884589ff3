using System.IO.Compression;
using System.Text;
using OrthancPortal.Features.Import;

namespace OrthancPortal.Tests.Features.Import;

/// <summary>The check every zip entry passes on its way to Orthanc, against the ways a header can lie.</summary>
public sealed class DeclaredLengthStreamTests
{
    private static readonly byte[] Content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 10_000)));

    [Fact]
    public void The_zip_CRC_matches_the_standard_check_value_and_the_one_zip_writers_record()
    {
        ZipCrc32.Append(0, "123456789"u8).ShouldBe(0xCBF43926u);
        ZipCrc32.Append(ZipCrc32.Append(0, "1234"u8), "56789"u8).ShouldBe(0xCBF43926u, "in pieces as while streaming");
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = archive.CreateEntry("a").Open();
            s.Write(Content);
        }
        using var read = new ZipArchive(new MemoryStream(zip.ToArray()));
        read.Entries[0].Crc32.ShouldBe(ZipCrc32.Append(0, Content));
    }

    public static TheoryData<string, long, bool, Type?> Headers => new()
    {
        { "honest", Content.Length, true, null },
        { "declares fewer bytes than it holds", Content.Length - 10, true, typeof(LimitExceededException) },
        { "declares more bytes than it holds", Content.Length + 10, true, typeof(InvalidDataException) },
        { "right size, wrong checksum", Content.Length, false, typeof(InvalidDataException) },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task Only_an_entry_that_is_exactly_what_its_header_declares_gets_all_its_bytes_through(string header, long declared, bool rightCrc, Type? refused)
    {
        var crc = ZipCrc32.Append(0, Content.AsSpan(0, (int)Math.Min(declared, Content.Length)));
        var stream = new DeclaredLengthStream(new MemoryStream(Content), declared, rightCrc ? crc : crc ^ 1);
        var received = new MemoryStream();
        var copy = async () => await stream.CopyToAsync(received, 4096);

        if (refused is null)
        {
            await copy();
            received.ToArray().ShouldBe(Content, header);
            return;
        }
        (await Should.ThrowAsync<Exception>(copy)).ShouldBeOfType(refused, header);
        // Orthanc gets the body as Content-Length: declared; short of that it stores nothing.
        received.Length.ShouldBeLessThan(declared, $"{header}: the body never reaches its declared length");
    }
}
