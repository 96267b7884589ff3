using OrthancPortal.Benchmarks.Robots;

// Usage: dotnet run -c Release --project OrthancPortal.Benchmarks -- <benchmark> [options]
return args.FirstOrDefault() switch
{
    "robots" => await RobotBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Benchmarks: robots [--studies N]");
    return 2;
}
