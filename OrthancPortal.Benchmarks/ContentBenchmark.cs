using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrthancPortal.Infrastructure.Dicom;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// Loads synthetic studies into a real Orthanc, runs the portal in its own process, and compares: search through the
/// portal with the same /tools/find sent straight to Orthanc; import through the portal's upload endpoint with a
/// direct POST /instances loop; and the portal's memory while it streams a huge upload and a huge download.
/// </summary>
public sealed class ContentBenchmark(int studies, int transferMb, int importFiles, IReadOnlySet<string> phases)
{
    /// <summary>The phases of a full run, in order; <c>--only import,memory</c> picks some of them.</summary>
    public static readonly string[] AllPhases = ["search", "import", "memory"];

    private static readonly string[] Surnames = ["MUELLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "SCHULZ", "HOFFMANN",
        "KOCH", "RICHTER", "KLEIN", "WOLF", "SCHROEDER", "NEUMANN", "SCHWARZ", "ZIMMERMANN", "BRAUN", "KRUEGER"];
    private static readonly string[] Modalities = ["CT", "MR", "US", "CR", "DX"];

    public async Task RunAsync()
    {
        Console.WriteLine($"# Content benchmark: {studies:N0} studies, {transferMb:N0} MB transfers, {importFiles} import files");
        // StableAge far beyond the run: what the portal does when a study becomes stable (automation, GDT, burner) is
        // the same whichever way the files came, and with Orthanc's 2 s it landed in whichever timed window came next
        // (the direct uploads' stable studies in the portal's window). The feed benchmark measures that work.
        await using var orthanc = await OrthancProcess.StartAsync("BENCH", stableAgeSeconds: 3600, configure: c => c["ConcurrentJobs"] = 2);
        var load = await LoadStudiesAsync(orthanc);
        Console.WriteLine($"Loaded {studies:N0} studies straight into Orthanc in {load.TotalSeconds:N1} s ({studies / load.TotalSeconds:N0} studies/s).");

        var dataFolder = TestEnvironment.NewTempFolder("bench-portal");
        var port = TestEnvironment.FreePort();
        using var portal = StartPortal(orthanc.Url.ToString(), port, dataFolder);
        try
        {
            var settled = await WaitForIdleAsync(portal.Id);
            var startRss = ReadKb(portal.Id, "VmRSS");
            Console.WriteLine($"Portal idle RSS after start: {startRss / 1024.0:N0} MB (goal <= 150 MB; idle after {settled:N0} s; load avg {LoadAverage()})");
            PrintFootprint(portal, "after start");
            using var client = await SignInAsync(new Uri($"http://127.0.0.1:{port}/"));
            if (phases.Contains("search")) await SearchAsync(orthanc, client);
            if (phases.Contains("import")) await ImportAsync(orthanc, client, portal);
            if (phases.Contains("memory")) await MemoryAsync(orthanc, client, portal);
            settled = await WaitForIdleAsync(portal.Id);
            Console.WriteLine();
            Console.WriteLine($"Portal idle RSS after the run: {ReadKb(portal.Id, "VmRSS") / 1024.0:N0} MB (goal <= 150 MB; after start {startRss / 1024.0:N0} MB; idle after {settled:N0} s; load avg {LoadAverage()})");
            PrintFootprint(portal, "after the run");
        }
        finally
        {
            portal.StandardInput.Close();
            if (!portal.WaitForExit(10_000)) portal.Kill();
            TestEnvironment.DeleteQuietly(dataFolder);
        }
    }

    private Task<TimeSpan> LoadStudiesAsync(OrthancProcess orthanc) => LoadStudiesAsync(orthanc, studies);

    /// <summary>Explains an RSS figure: the smaps breakdown of the portal's process, and the runtime's view from inside it.</summary>
    public static void PrintFootprint(Process portal, string when)
    {
        ProcessMemory.Print(portal.Id, $"Where the portal's memory is {when}");
        portal.StandardInput.WriteLine("gc");
        portal.StandardInput.Flush();
        // The portal may log a warning to its console first: the answer is the line that starts with "GC heap".
        while (portal.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith("GC heap", StringComparison.Ordinal)) continue;
            Console.WriteLine($"Runtime's view {when}: {line}");
            return;
        }
    }

    /// <summary>Single-image synthetic studies (20 surnames, five modalities, dates over five years), 8 POSTs in parallel.</summary>
    public static async Task<TimeSpan> LoadStudiesAsync(OrthancProcess orthanc, int studies)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (_, ct) =>
        {
            while (Interlocked.Increment(ref next) is var i && i < studies)
            {
                var random = new Random(i);
                var patient = TestDicom.Patient($"B{i:D7}", $"{Surnames[i % Surnames.Length]}^P{i}");
                var date = DateTime.Today.AddDays(-random.Next(0, 5 * 365)).ToString("yyyyMMdd");
                var study = TestDicom.Study(patient, Modalities[random.Next(Modalities.Length)], instances: 1, date: date);
                var series = study.Series[0];
                var sop = DicomFileWriter.NewUid();
                await PostDicomAsync(orthanc.Http, DicomFileWriter.Write(TestDicom.Instance(study, series, 1, sop), series.SopClassUid, sop), ct);
            }
        });
        return watch.Elapsed;
    }

    public static async Task PostDicomAsync(HttpClient http, byte[] file, CancellationToken ct)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using var response = await http.PostAsync("instances", content, ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task SearchAsync(OrthancProcess orthanc, HttpClient portal)
    {
        var today = DateOnly.FromDateTime(DateTime.Today);
        var queries = new (string Name, Dictionary<string, string> Orthanc, string Portal, int Page)[]
        {
            ("name wildcard MUELLER*", new() { ["PatientName"] = "MUELLER*" }, "patientName=MUELLER*", 0),
            ("last 30 days", new() { ["StudyDate"] = $"{today.AddDays(-29):yyyyMMdd}-{today:yyyyMMdd}" }, $"from={today.AddDays(-29):yyyy-MM-dd}&to={today:yyyy-MM-dd}", 0),
            ("CT, last 12 months", new() { ["ModalitiesInStudy"] = "CT", ["StudyDate"] = $"{today.AddMonths(-12).AddDays(1):yyyyMMdd}-{today:yyyyMMdd}" },
                $"modalities=CT&from={today.AddMonths(-12).AddDays(1):yyyy-MM-dd}&to={today:yyyy-MM-dd}", 0),
            ("patient ID exact", new() { ["PatientID"] = $"B{studies / 2:D7}" }, $"patientId=B{studies / 2:D7}", 0),
            ("everything, page 1", new(), "", 0),
            ("everything, page 200", new(), "", 199),
        };
        Console.WriteLine();
        Console.WriteLine($"## Search, {studies:N0} studies (25 rows a page; ms; direct = the same /tools/find (OrderBy, RequestedTags ModalitiesInStudy) and /tools/count-resources; goal: portal p95 <= 1.2 x direct; load avg {LoadAverage()})");
        Console.WriteLine("| query | direct p50 | direct p95 | portal p50 | portal p95 | overhead p50 | p95 ratio | direct p95 without the modality column |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        const int pageSize = 25;
        var order = OrthancPortal.Features.Content.StudySort.Default.ToOrthancOrder();
        async Task DirectAsync(string path, object body)
        {
            using var r = await orthanc.Http.PostAsJsonAsync(path, body, new System.Text.Json.JsonSerializerOptions());
            r.EnsureSuccessStatusCode();
            await r.Content.ReadAsByteArrayAsync();
        }
        foreach (var (name, query, portalQuery, page) in queries)
        {
            var direct = new List<double>();
            var viaPortal = new List<double>();
            var withoutModalities = new List<double>();
            for (var i = 0; i < 33; i++)
            {
                // The same two requests the portal sends (StudySearchService on an Orthanc with ExtendedFind), at the same time:
                // the page in the default order (newest first) and the count of all matches.
                var w = Stopwatch.StartNew();
                await Task.WhenAll(
                    // RequestedTags as the portal asks: its modality column makes Orthanc compute ModalitiesInStudy per answer.
                    DirectAsync("tools/find", new { Level = "Study", Query = query, Expand = true, Limit = pageSize, Since = page * pageSize, OrderBy = order,
                        RequestedTags = new[] { "ModalitiesInStudy" } }),
                    DirectAsync("tools/count-resources", new { Level = "Study", Query = query }));
                if (i >= 3) direct.Add(w.Elapsed.TotalMilliseconds);
                w.Restart();
                using (var r = await portal.GetAsync($"api/content/studies?{portalQuery}&page={page}&pageSize={pageSize}"))
                {
                    r.EnsureSuccessStatusCode();
                    await r.Content.ReadAsByteArrayAsync();
                }
                if (i >= 3) viaPortal.Add(w.Elapsed.TotalMilliseconds);
                // What the list would cost Orthanc without its modality column (no RequestedTags), for the record.
                w.Restart();
                await Task.WhenAll(
                    DirectAsync("tools/find", new { Level = "Study", Query = query, Expand = true, Limit = pageSize, Since = page * pageSize, OrderBy = order }),
                    DirectAsync("tools/count-resources", new { Level = "Study", Query = query }));
                if (i >= 3) withoutModalities.Add(w.Elapsed.TotalMilliseconds);
            }
            var dp50 = Percentile(direct, 50);
            var pp50 = Percentile(viaPortal, 50);
            Console.WriteLine($"| {name} | {dp50:N1} | {Percentile(direct, 95):N1} | {pp50:N1} | {Percentile(viaPortal, 95):N1} | {(pp50 - dp50) / dp50:P0} | {Percentile(viaPortal, 95) / Percentile(direct, 95):N2} | {Percentile(withoutModalities, 95):N1} |");
        }
    }

    private async Task ImportAsync(OrthancProcess orthanc, HttpClient portal, Process child)
    {
        byte[] Make(string prefix, int i) => BenchDicom.Image($"{prefix}{i:D5}", $"IMPORT^{prefix}{i}", DateTime.Today.ToString("yyyyMMdd"), "CT");
        Console.WriteLine();
        Console.WriteLine($"## Import ({importFiles} files of {Make("X", 0).Length / 1024} KB each way; goal: portal >= 80 % of direct)");
        Console.WriteLine("| parallel | direct files/s | portal files/s | portal / direct | load avg |");
        Console.WriteLine("|---|---|---|---|---|");
        var stages = new List<string>();
        var cpu = new List<string>();
        // Warm-up (not timed): the portal's first uploads compile its code path, which is no cost of an upload.
        // Two rounds, each followed by an idle wait: the runtime starts counting a method's calls only once no new
        // method was compiled for a while, and recompiles it (tiered JIT, in the background) after 30 counted calls. After
        // one round the recompiling still ran in the timed window (perf: 13 % of the portal's CPU there), which a portal
        // that has run for an hour no longer does.
        foreach (var round in new[] { "W", "V" })
        {
            await TimeParallelAsync(Enumerable.Range(0, 100).Select(i => Make(round, i)).ToList(), 8, (f, ct) => PortalUploadAsync(portal, f, ct));
            Console.WriteLine($"(warm-up: 100 uploads, then {await WaitForIdleAsync(child.Id):N0} s until the portal was idle)");
        }
        foreach (var parallel in new[] { 4, 8 })
        {
            var directFiles = Enumerable.Range(0, importFiles).Select(i => Make($"D{parallel}", i)).ToList();
            var portalFiles = Enumerable.Range(0, importFiles).Select(i => Make($"P{parallel}", i)).ToList();
            // Each side starts with the portal idle (the change feed has read the previous side's new instances).
            await WaitForIdleAsync(child.Id);
            var orthancCpu = CpuMs(orthanc.ProcessId);
            var direct = await TimeParallelAsync(directFiles, parallel, (f, ct) => PostDicomAsync(orthanc.Http, f, ct));
            var directOrthancCpu = CpuMs(orthanc.ProcessId) - orthancCpu;
            await WaitForIdleAsync(child.Id);
            (orthancCpu, var portalCpu) = (CpuMs(orthanc.ProcessId), CpuMs(child.Id));
            var timings = new System.Collections.Concurrent.ConcurrentBag<(double Client, Dictionary<string, double> Server)>();
            var viaPortal = await TimeParallelAsync(portalFiles, parallel, async (f, ct) => timings.Add(await PortalUploadAsync(portal, f, ct)));
            (orthancCpu, portalCpu) = (CpuMs(orthanc.ProcessId) - orthancCpu, CpuMs(child.Id) - portalCpu);
            Console.WriteLine($"| {parallel} | {importFiles / direct.TotalSeconds:N1} | {importFiles / viaPortal.TotalSeconds:N1} | {direct.TotalSeconds / viaPortal.TotalSeconds:P0} | {LoadAverage()} |");
            cpu.Add($"| {parallel} | {directOrthancCpu / importFiles:N1} | {orthancCpu / importFiles:N1} | {portalCpu / importFiles:N1} |");
            double Mean(Func<(double Client, Dictionary<string, double> Server), double> f) => timings.Average(f);
            double Stage(string name) => Mean(t => t.Server.GetValueOrDefault(name));
            stages.Add($"| {parallel} | {Mean(t => t.Client):N1} | {Stage("read"):N1} | {Stage("orthanc"):N1} | {Stage("audit"):N1} | {Stage("handler") - Stage("read") - Stage("orthanc") - Stage("audit"):N1} | {Mean(t => t.Client - t.Server.GetValueOrDefault("handler")):N1} |");
        }
        Console.WriteLine();
        Console.WriteLine("Where a portal upload's time goes (mean ms per file, from the portal's Server-Timing header):");
        Console.WriteLine("| parallel | client total | reading the request | Orthanc POST | audit | rest of handler | outside the handler (auth, routing, response) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var line in stages) Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine("CPU time per file (ms, from /proc; on a busy machine waiting for a core, not work, is what the time above shows):");
        Console.WriteLine("| parallel | Orthanc, direct | Orthanc, via portal | portal |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var line in cpu) Console.WriteLine(line);
    }

    /// <summary>
    /// Waits (up to 3 minutes) until the process uses under 5 % of a core over 2 s, and then until its idle trimmer has
    /// had its turn (it trims after <see cref="PortalChild.IdleAfter"/> without requests); returns the seconds waited.
    /// </summary>
    public static async Task<double> WaitForIdleAsync(int pid)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            var before = CpuMs(pid);
            await Task.Delay(2000);
            if (CpuMs(pid) - before < 100) break;
        }
        await Task.Delay(PortalChild.IdleAfter * 2);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>User + system CPU time of a process so far, in ms (fields 14 and 15 of /proc/pid/stat, in clock ticks of 10 ms).</summary>
    public static double CpuMs(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
    }

    /// <summary>One file through the portal's upload endpoint: the client's time and the portal's Server-Timing stages.</summary>
    public static async Task<(double Client, Dictionary<string, double> Server)> PortalUploadAsync(HttpClient portal, byte[] file, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-File-Name", "bench.dcm");
        var watch = Stopwatch.StartNew();
        using var response = await portal.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode || !body.Contains("\"Stored\"")) throw new InvalidOperationException($"Import failed: {body}");
        return (watch.Elapsed.TotalMilliseconds, ServerTiming(response));
    }

    /// <summary><c>read;dur=1.2, orthanc;dur=8.5</c> → name → milliseconds.</summary>
    private static Dictionary<string, double> ServerTiming(HttpResponseMessage response)
        => response.Headers.TryGetValues("Server-Timing", out var values)
            ? string.Join(",", values).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(m => m.Split(";dur="))
                .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))
            : [];

    /// <summary>The machine is shared: every figure is printed beside the 1-minute load average.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static async Task<TimeSpan> TimeParallelAsync(IReadOnlyList<byte[]> files, int parallel, Func<byte[], CancellationToken, Task> send)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (f, ct) => await send(f, ct));
        return watch.Elapsed;
    }

    private async Task MemoryAsync(OrthancProcess orthanc, HttpClient portal, Process child)
    {
        // Let start-up garbage settle so "idle" is the portal at rest after the earlier phases.
        await Task.Delay(3000);
        var idle = ReadKb(child.Id, "VmRSS");
        Console.WriteLine();
        Console.WriteLine($"## Portal memory while streaming {transferMb:N0} MB (portal process RSS; idle {idle / 1024.0:N0} MB)");
        Console.WriteLine("| transfer | seconds | MB/s | peak RSS MB | above idle MB |");
        Console.WriteLine("|---|---|---|---|---|");

        var upload = BenchDicom.Huge(transferMb * 1048576L, "HUGE0001", out var length);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/import/file") { Content = new StreamContent(upload, 81920) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentLength = length;
        request.Headers.Add("X-File-Name", "huge.dcm");
        string? studyId = null;
        var (seconds, peak) = await WhileSamplingAsync(child.Id, async () =>
        {
            using var response = await portal.SendAsync(request);
            var results = await response.Content.ReadFromJsonAsync<JsonArray>();
            var first = results![0]!;
            if (first["status"]!.GetValue<string>() != "Stored") throw new InvalidOperationException($"The huge upload was not stored: {first.ToJsonString()}");
            studyId = first["studyId"]!.GetValue<string>();
        });
        Console.WriteLine($"| upload (POST /api/import/file) | {seconds:N1} | {length / 1048576.0 / seconds:N0} | {peak / 1024.0:N0} | {(peak - idle) / 1024.0:N0} |");

        if (studyId is null) return;
        long received = 0;
        var idleBefore = ReadKb(child.Id, "VmRSS");
        (seconds, peak) = await WhileSamplingAsync(child.Id, async () =>
        {
            using var response = await portal.GetAsync($"content/download/studies/{studyId}?format=zip", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0) received += n;
        });
        Console.WriteLine($"| download (zip of that study) | {seconds:N1} | {received / 1048576.0 / seconds:N0} | {peak / 1024.0:N0} | {(peak - idleBefore) / 1024.0:N0} |");
        var portalSeconds = seconds;
        long direct = 0;
        var watch = Stopwatch.StartNew();
        using (var response = await orthanc.Http.GetAsync($"studies/{studyId}/archive", HttpCompletionOption.ResponseHeadersRead))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0) direct += n;
        }
        var directSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"| download straight from Orthanc (/studies/{{id}}/archive) | {directSeconds:N1} | {direct / 1048576.0 / directSeconds:N0} | | |");
        Console.WriteLine($"Downloaded {received / 1048576.0:N0} MB. Portal download speed is {directSeconds / portalSeconds:N2} of direct (goal >= 0.9; load avg {LoadAverage()}).");
        Console.WriteLine($"Peak RSS over the whole run (VmHWM): {ReadKb(child.Id, "VmHWM") / 1024.0:N0} MB.");
    }

    /// <summary>Runs the work while sampling the portal's RSS; a failed transfer is reported with its peak, not hidden.</summary>
    private static async Task<(double Seconds, long PeakKb)> WhileSamplingAsync(int pid, Func<Task> work)
    {
        long peak = ReadKb(pid, "VmRSS");
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ReadKb(pid, "VmRSS"));
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var watch = Stopwatch.StartNew();
        try { await work(); }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
        {
            Console.WriteLine($"| FAILED after {watch.Elapsed.TotalSeconds:N0} s: {ex.Message} | | | {peak / 1024.0:N0} | |");
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        return (seconds, Math.Max(peak, ReadKb(pid, "VmRSS")));
    }

    public static long ReadKb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value);
    }

    public static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static Process StartPortal(string orthancUrl, int port, string dataFolder)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "portal-child", orthancUrl, port.ToString(), dataFolder }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line == "READY") return process;
        }
        throw new InvalidOperationException("The portal process ended before it was ready.");
    }

    public static async Task<HttpClient> SignInAsync(Uri url)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(30) };
        var form = await client.GetStringAsync("account/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.UserName"] = PortalChild.User, ["Input.Password"] = PortalChild.Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        return client;
    }
}
