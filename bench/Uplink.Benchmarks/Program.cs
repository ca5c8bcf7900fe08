using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Uplink.Benchmarks;

/// <summary>Runs the benchmarks BenchmarkDotNet's switcher picks; <c>--quick</c> runs each with a short job (a smoke check).</summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        bool quick = Array.IndexOf(args, "--quick") >= 0;
        string[] rest = Array.FindAll(args, a => a != "--quick");
        IConfig? config = quick
            ? DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("Quick"))
            : null;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
    }
}
