namespace Uplink.IntegrationTests.Processes;

/// <summary>How a finished (or killed) external process ended and what it printed.</summary>
/// <param name="CommandLine">The command line, for messages.</param>
/// <param name="ExitCode">The exit code; meaningless when <paramref name="TimedOut"/> is true.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
/// <param name="TimedOut">True when the process did not exit in time and was killed.</param>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    /// <summary>A multi-line description for assertion messages.</summary>
    public string Describe() =>
        $"`{CommandLine}` {(TimedOut ? "timed out and was killed" : $"exited with {ExitCode}")}\n" +
        $"--- stdout ---\n{Tail(StandardOutput)}\n--- stderr ---\n{Tail(StandardError)}";

    /// <summary>The last few KB of a text, so a message stays readable.</summary>
    internal static string Tail(string text, int maxChars = 4000) =>
        text.Length <= maxChars ? text : "…" + text[^maxChars..];
}
