using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>What <c>uplink publish</c> prints on a terminal (a progress bar on one rewritten line) and with <c>--quiet</c>.</summary>
public sealed class TerminalOutputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static string Sample => Path.Combine(RequiredTools.RepositoryRoot, "samples", "sample.flv");

    [Fact]
    public async Task On_a_terminal_a_file_with_a_known_duration_gets_a_progress_bar_rewritten_in_place()
    {
        // script(1) gives the CLI a pseudo-terminal, as a user's shell would (util-linux, on every Debian).
        Assert.True(File.Exists("/usr/bin/script"), "script(1) is missing: install util-linux (bsdutils)");
        string command = $"'{Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet"}' '{UplinkCli.AssemblyPath}' publish '{Sample}'";
        ProcessResult result = await ExternalProcess.RunAsync("/usr/bin/script", ["-qefc", command, "/dev/null"], Timeout);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());

        // Each update starts with a carriage return (the capture reads \r as a line end, so they come out as lines).
        string[] updates = result.StandardOutput.Split('\r', '\n').Where(l => l.Contains("uplink: Connected", StringComparison.Ordinal) && l.Contains('%', StringComparison.Ordinal)).ToArray();
        Assert.True(updates.Length >= 3, $"{updates.Length} progress updates in a 5 s publish:\n{result.StandardOutput}");
        Assert.Contains(updates, l => l.Contains("[####", StringComparison.Ordinal) && l.Contains("/00:00:05", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quiet_prints_nothing_when_all_goes_well()
    {
        ProcessResult result = await UplinkCli.RunAsync(["publish", Sample, "--no-realtime", "--quiet"], Timeout);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());
        Assert.Equal("", result.StandardError.Trim());
        Assert.Equal("", result.StandardOutput.Trim());
    }
}
