using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrthancPortal.Tests.Harness;

namespace OrthancPortal.Benchmarks;

/// <summary>
/// Many people at once: simulated users (each an HttpClient with its own session) search the study list, open a
/// study's data (its series through the viewer proxy's DICOMweb route) and load previews, while Chromium pages open
/// the study list page. First for a while with nothing else going on, then as long again while 4 uploads run without
/// a pause. Prints p50/p95 and errors of each kind of request in both phases (goal: no errors, p95 under uploads
/// at most 2 × idle). The portal runs in its own process, as in the content benchmark.
/// </summary>
public static class LoadBenchmark
{
    private sealed record Sample(string Kind, double Ms, bool Ok);

    public static async Task RunAsync(int users, int pages, int seconds, int studies)
    {
        Console.WriteLine($"# Load benchmark: {users} users + {pages} browser pages, {seconds} s idle then {seconds} s with 4 uploads running, {studies:N0} studies");
        await using var orthanc = await OrthancProcess.StartAsync("LOADBENCH", dicomWeb: true);
        var load = await ContentBenchmark.LoadStudiesAsync(orthanc, studies);
        Console.WriteLine($"Loaded {studies:N0} studies in {load.TotalSeconds:N1} s.");
        var sample = (await orthanc.Http.PostAsJsonAsync("tools/find", new { Level = "Study", Query = new { }, Expand = true, Limit = 200 }, new System.Text.Json.JsonSerializerOptions()))
            .EnsureSuccessStatusCode();
        var found = (await sample.Content.ReadFromJsonAsync<JsonArray>())!;
        var targets = new List<(string Uid, string Instance)>();
        foreach (var study in found.Take(100))
        {
            var id = study!["ID"]!.GetValue<string>();
            var instances = await orthanc.GetJsonAsync($"studies/{id}/instances");
            targets.Add((study["MainDicomTags"]!["StudyInstanceUID"]!.GetValue<string>(), instances[0]!["ID"]!.GetValue<string>()));
        }

        var dataFolder = TestEnvironment.NewTempFolder("bench-load");
        var port = TestEnvironment.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var portal = ContentBenchmark.StartPortal(orthanc.Url.ToString(), port, dataFolder);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        try
        {
            var clients = new List<HttpClient>();
            for (var i = 0; i < users; i++) clients.Add(await ContentBenchmark.SignInAsync(url));
            var browserPages = new List<IPage>();
            for (var i = 0; i < pages; i++) browserPages.Add(await SignedInPageAsync(browser, url));
            var uploader = await ContentBenchmark.SignInAsync(url);
            // Warm-up (not counted), then wait until the portal is idle (tiered JIT after start).
            await RunPhaseAsync(clients.Take(4).ToList(), [], targets, TimeSpan.FromSeconds(5), null);
            await ContentBenchmark.WaitForIdleAsync(portal.Id);

            var idle = await RunPhaseAsync(clients, browserPages, targets, TimeSpan.FromSeconds(seconds), null);
            var idleLoad = ContentBenchmark.LoadAverage();
            var busy = await RunPhaseAsync(clients, browserPages, targets, TimeSpan.FromSeconds(seconds), uploader);
            var busyLoad = ContentBenchmark.LoadAverage();

            Console.WriteLine();
            Console.WriteLine($"| request | idle n | idle p50 | idle p95 | idle errors | uploads n | uploads p50 | uploads p95 | uploads errors | p95 ratio (goal <= 2) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var kind in idle.Select(s => s.Kind).Concat(busy.Select(s => s.Kind)).Distinct().Order())
            {
                var a = idle.Where(s => s.Kind == kind).ToList();
                var b = busy.Where(s => s.Kind == kind).ToList();
                double P(List<Sample> l, int p) => l.Count(s => s.Ok) == 0 ? double.NaN : ContentBenchmark.Percentile(l.Where(s => s.Ok).Select(s => s.Ms).ToList(), p);
                Console.WriteLine($"| {kind} | {a.Count} | {P(a, 50):N0} | {P(a, 95):N0} | {a.Count(s => !s.Ok)} | {b.Count} | {P(b, 50):N0} | {P(b, 95):N0} | {b.Count(s => !s.Ok)} | {P(b, 95) / P(a, 95):N2} |");
            }
            var uploads = busy.Where(s => s.Kind == "upload (4 in parallel)").ToList();
            Console.WriteLine($"Load average: {idleLoad} idle, {busyLoad} under uploads. Errors: {idle.Count(s => !s.Ok)} idle, {busy.Count(s => !s.Ok)} under uploads ({uploads.Count} uploads).");
            foreach (var c in clients) c.Dispose();
            uploader.Dispose();
        }
        finally
        {
            portal.StandardInput.Close();
            if (!portal.WaitForExit(10_000)) portal.Kill();
            TestEnvironment.DeleteQuietly(dataFolder);
        }
    }

    private static async Task<IPage> SignedInPageAsync(IBrowser browser, Uri url)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url.ToString() });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("account/login");
        await page.FillAsync("#username", PortalChild.User);
        await page.FillAsync("#password", PortalChild.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/account/login"));
        return page;
    }

    /// <summary>Every user (and page) sends one request after the other until the time is up; the uploader (if any) keeps 4 uploads going.</summary>
    private static async Task<List<Sample>> RunPhaseAsync(IReadOnlyList<HttpClient> users, IReadOnlyList<IPage> pages, IReadOnlyList<(string Uid, string Instance)> targets,
        TimeSpan length, HttpClient? uploader)
    {
        var samples = new ConcurrentBag<Sample>();
        using var stop = new CancellationTokenSource(length);
        async Task Timed(string kind, Func<Task> work)
        {
            var watch = Stopwatch.StartNew();
            var ok = true;
            try { await work(); }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or PlaywrightException or TimeoutException or TaskCanceledException)
            {
                if (stop.IsCancellationRequested && ex is TaskCanceledException) return;
                ok = false;
            }
            samples.Add(new(kind, watch.Elapsed.TotalMilliseconds, ok));
        }
        async Task Get(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path, stop.Token);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
            await response.Content.ReadAsByteArrayAsync(stop.Token);
        }
        string[] names = ["MUELLER*", "SCH*", "WEBER*", "K*", "BECKER*"];
        var work = users.Select((client, u) => Task.Run(async () =>
        {
            var random = new Random(u);
            while (!stop.IsCancellationRequested)
            {
                var target = targets[random.Next(targets.Count)];
                switch (random.Next(3))
                {
                    case 0: await Timed("search (api/content/studies)", () => Get(client, $"api/content/studies?patientName={names[random.Next(names.Length)]}&page={random.Next(3)}&pageSize=25")); break;
                    case 1: await Timed("study data (dicom-web series)", () => Get(client, $"dicom-web/studies/{target.Uid}/series")); break;
                    default: await Timed("preview (instances/{id}/preview)", () => Get(client, $"instances/{target.Instance}/preview")); break;
                }
            }
        })).ToList();
        work.AddRange(pages.Select(page => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Timed("page (content/studies, until interactive)", async () =>
                {
                    await page.GotoAsync("content/studies");
                    await page.WaitForFunctionAsync("() => window.portalCircuitUp === true");
                });
            }
        })));
        if (uploader is not null)
        {
            var next = 0;
            work.AddRange(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    var file = BenchDicom.Image($"L{i:D6}", $"LOAD^{i}", DateTime.Today.ToString("yyyyMMdd"), "CT");
                    await Timed("upload (4 in parallel)", () => ContentBenchmark.PortalUploadAsync(uploader, file, stop.Token));
                }
            })));
        }
        await Task.WhenAll(work);
        return samples.ToList();
    }
}
