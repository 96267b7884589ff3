using OrthancPortal.Benchmarks;
using OrthancPortal.Benchmarks.Robots;

// scripts/bench.sh content [--studies 20000] [--transfer-mb 2048] [--import-files 300]
// scripts/bench.sh robots [--studies 200]
// scripts/bench.sh feed [--studies 1000] [--stable-age 10]
// scripts/bench.sh load [--users 20] [--pages 2] [--seconds 30] [--studies 2000]
int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

if (args.Length >= 4 && args[0] == "portal-child")
{
    await PortalChild.RunAsync(args[1], int.Parse(args[2]), args[3]);
    return 0;
}
switch (args.FirstOrDefault())
{
    case "content":
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1].Split(',') : ContentBenchmark.AllPhases;
        await new ContentBenchmark(Option("--studies", 20_000), Option("--transfer-mb", 2048), Option("--import-files", 300), only.ToHashSet()).RunAsync();
        return 0;
    case "feed":
        await FeedBenchmark.RunAsync(Option("--studies", 1000), Option("--stable-age", 10));
        return 0;
    case "load":
        await LoadBenchmark.RunAsync(Option("--users", 20), Option("--pages", 2), Option("--seconds", 30), Option("--studies", 2000));
        return 0;
    case "robots":
        await RobotBenchmark.RunAsync(Option("--studies", 200));
        return 0;
}
Console.Error.WriteLine("usage: OrthancPortal.Benchmarks content [--studies 20000] [--transfer-mb 2048] [--import-files 300] | robots [--studies 200] | feed [--studies 1000] [--stable-age 10] | load [--users 20] [--pages 2] [--seconds 30] [--studies 2000]");
return 2;
