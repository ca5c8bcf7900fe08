using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>Assertions on the CLI's failure contract: an exit code and one <c>uplink: error:</c> line, no stack trace.</summary>
internal static class CliAssert
{
    /// <summary>The prefix of the CLI's one error line.</summary>
    public const string ErrorPrefix = "uplink: error:";

    /// <summary>The prefix of a warning line (damage skipped, publishing continues).</summary>
    public const string WarningPrefix = "uplink: warning:";

    /// <summary>
    /// Fails unless <paramref name="result"/> exited (in time) with <paramref name="exitCode"/> and wrote exactly one
    /// non-empty line to stderr, starting <c>uplink: error:</c>, and nothing that looks like a stack trace. Returns the line.
    /// </summary>
    public static string FailedWithOneErrorLine(ProcessResult result, int exitCode)
    {
        Assert.False(result.TimedOut, $"uplink did not finish in time (a hang?).\n{result.Describe()}");
        Assert.True(result.ExitCode == exitCode, $"expected exit code {exitCode}, got {result.ExitCode}.\n{result.Describe()}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected exactly one line on stderr, got {lines.Length}.\n{result.Describe()}");
        Assert.True(lines[0].StartsWith(ErrorPrefix, StringComparison.Ordinal), $"the stderr line does not start with '{ErrorPrefix}'.\n{result.Describe()}");
        Assert.False(
            result.StandardOutput.Contains("   at ", StringComparison.Ordinal) || result.StandardError.Contains("   at ", StringComparison.Ordinal),
            $"the output holds a stack trace.\n{result.Describe()}");
        return lines[0];
    }

    /// <summary>The stderr lines starting <c>uplink: warning:</c>.</summary>
    public static IReadOnlyList<string> Warnings(ProcessResult result) =>
        [.. result.StandardError.Split('\n', StringSplitOptions.TrimEntries).Where(line => line.StartsWith(WarningPrefix, StringComparison.Ordinal))];
}
