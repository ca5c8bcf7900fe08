using Uplink.Fuzz.Targets;

namespace Uplink.Fuzz;

/// <summary>Runs files through a target outside afl-fuzz and prints each outcome, time and allocation, to reproduce a finding.</summary>
internal static class Replay
{
    public static int Run(FuzzTarget target, string[] paths)
    {
        int findings = 0;
        foreach (string path in paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]))
        {
            try
            {
                byte[] input = File.ReadAllBytes(path);
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                string outcome = target.Run(input);
                TimeSpan took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                Console.WriteLine($"{path}: {outcome} ({took.TotalMilliseconds:0.0} ms, {allocated} bytes allocated for {input.Length})");
            }
#pragma warning disable CA1031 // Any exception is the finding to print.
            catch (Exception e)
#pragma warning restore CA1031
            {
                findings++;
                Console.WriteLine($"{path}: FINDING {e}");
            }
        }

        return findings == 0 ? 0 : 1;
    }
}
