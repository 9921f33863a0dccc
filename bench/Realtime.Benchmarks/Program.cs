// Codec micro-benchmarks. Short in-process runs so they are practical on a shared 2-core machine:
//   dotnet run -c Release --project bench/Realtime.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/Realtime.Benchmarks -- --filter '*SocketIO*'
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

var config = DefaultConfig.Instance
    // In process: no generated project to restore and build; 3 warm-ups and 5 measured iterations.
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(5).WithId("short-inproc"))
    .AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(Realtime.Benchmarks.EngineCodecBenchmarks).Assembly).Run(args, config);
