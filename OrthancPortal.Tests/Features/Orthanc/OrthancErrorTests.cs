using System.Net;
using OrthancPortal.Features.Orthanc;

namespace OrthancPortal.Tests.Features.Orthanc;

public sealed class OrthancErrorTests
{
    // The body Orthanc 1.12 sends when a C-FIND cannot reach the remote (long Details included).
    private const string FindFailure = """
        {
           "Details" : "DicomAssociation - connecting to AET \"REMOTE\": Failed to establish association (TCP Initialization Error: Connection refused)",
           "HttpError" : "Internal Server Error",
           "HttpStatus" : 500,
           "Message" : "Error in the network protocol",
           "Method" : "POST",
           "OrthancError" : "Error in the network protocol",
           "OrthancStatus" : 9,
           "Uri" : "/modalities/remote/query"
        }
        """;

    [Fact]
    public void Orthanc_s_JSON_error_becomes_one_readable_sentence_never_raw_or_cut_JSON()
    {
        var ex = OrthancException.FromStatus(HttpStatusCode.InternalServerError, "POST", "modalities/remote/query", FindFailure);
        ex.Reason.ShouldBe("Error in the network protocol: DicomAssociation - connecting to AET \"REMOTE\": Failed to establish association (TCP Initialization Error: Connection refused).");
        ex.Message.ShouldNotContain("{");
        ex.Message.ShouldNotContain("HttpStatus");
        ex.Message.ShouldNotContain("…");
    }

    [Theory]
    [InlineData("""{"Message":"Bad request","Details":"Unknown modality: x"}""", "Bad request: Unknown modality: x.")]
    [InlineData("""{"OrthancError":"Inexistent item"}""", "Inexistent item.")]
    [InlineData("""{"Message":"Same","Details":"Same"}""", "Same.")]
    [InlineData("""{"HttpStatus":500}""", "")]
    [InlineData("plain text answer", "plain text answer")]
    [InlineData("", "")]
    public void Known_fields_are_read_and_other_bodies_shown_as_text(string body, string expected)
        => OrthancException.Explain(body).ShouldBe(expected);
}
