using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Tests.Harness;

/// <summary>Stores synthetic studies straight into a test Orthanc over HTTP (faster than storescu) and finds them again.</summary>
public static class ContentTestData
{
    public static async Task<string> StoreAsync(OrthancProcess orthanc, SyntheticStudy study)
    {
        string? studyId = null;
        foreach (var series in study.Series)
        {
            for (var i = 1; i <= series.Instances; i++)
            {
                var sopUid = DicomFileWriter.NewUid();
                var content = new ByteArrayContent(DicomFileWriter.Write(TestDicom.Instance(study, series, i, sopUid), series.SopClassUid, sopUid));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                using var response = await orthanc.Http.PostAsync("instances", content);
                response.EnsureSuccessStatusCode();
                studyId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["ParentStudy"]!.GetValue<string>();
            }
        }
        return studyId!;
    }

    /// <summary>Writes the study's files and returns their bytes, for uploads.</summary>
    public static IReadOnlyList<byte[]> Files(SyntheticStudy study)
    {
        var files = new List<byte[]>();
        foreach (var series in study.Series)
        {
            for (var i = 1; i <= series.Instances; i++)
            {
                var sopUid = DicomFileWriter.NewUid();
                files.Add(DicomFileWriter.Write(TestDicom.Instance(study, series, i, sopUid), series.SopClassUid, sopUid));
            }
        }
        return files;
    }

    public static async Task<JsonObject> StudyAsync(OrthancProcess orthanc, string studyId)
        => (JsonObject)await orthanc.GetJsonAsync($"studies/{studyId}");
}
