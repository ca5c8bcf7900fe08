using System.Globalization;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>The process runner never leaks: timeouts and disposal kill the whole tree, even when SIGTERM is ignored.</summary>
public sealed class ExternalProcessTests
{
    /// <summary>A shell that ignores SIGTERM (as ffmpeg blocked in a write does) and its child are killed on dispose.</summary>
    [Fact]
    public async Task Disposing_kills_a_process_that_ignores_sigterm_and_its_children()
    {
        var process = ExternalProcess.Start("/bin/sh", ["-c", "trap '' TERM; sleep 60 & echo $!; wait"]);
        var child = int.Parse(await process.WaitForLineAsync(_ => true, "the child pid", TimeSpan.FromSeconds(10)), CultureInfo.InvariantCulture);

        await process.DisposeAsync();

        Assert.True(process.HasExited);
        Assert.False(IsAlive(child), $"child {child} (sleep 60) survived");
    }

    /// <summary>A process that outlives its timeout is killed and reported as timed out, with its output.</summary>
    [Fact]
    public async Task A_timeout_kills_the_process_and_says_so()
    {
        var result = await ExternalProcess.RunAsync("/bin/sh", ["-c", "echo started; exec sleep 60"], TimeSpan.FromMilliseconds(500));

        Assert.True(result.TimedOut);
        Assert.Contains("started", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>Exit code, stdout and stderr of a normal run are captured completely.</summary>
    [Fact]
    public async Task Exit_code_and_both_outputs_are_captured()
    {
        var result = await ExternalProcess.RunAsync("/bin/sh", ["-c", "echo out; echo err >&2; exit 7"], TimeSpan.FromSeconds(10));

        Assert.Equal((7, "out\n", "err\n", false), (result.ExitCode, result.StandardOutput, result.StandardError, result.TimedOut));
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            // "pid (comm) STATE …": a zombie (Z) is dead, only not yet reaped by its new parent.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
