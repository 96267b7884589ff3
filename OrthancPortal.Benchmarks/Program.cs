using OrthancPortal.Benchmarks.Robots;

// dotnet run -c Release --project OrthancPortal.Benchmarks -- robots [--studies 200]
if (args.Length >= 1 && args[0] == "robots")
{
    int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    await RobotBenchmark.RunAsync(Option("--studies", 200));
    return 0;
}
Console.Error.WriteLine("usage: OrthancPortal.Benchmarks robots [--studies 200]");
return 2;
