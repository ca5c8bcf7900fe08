using System.Globalization;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Destinations;

/// <summary>The <c>uplink publish</c> contract with several URLs: a bad one is named in one line (exit 2); none reachable is exit 3.</summary>
public sealed class DestinationArgumentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_bad_second_url_exits_2_with_one_line_naming_it_and_no_stream_key()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var result = await UplinkCli.RunAsync(["publish", clip, "rtmp://127.0.0.1/live/good-key", "rtmp//127.0.0.1/live/secret-key", "--no-realtime"], Timeout);

        string line = AssertOneErrorLine(result, 2);
        Assert.Contains("URL 2 of 2", line, StringComparison.Ordinal);
        Assert.Contains("rtmp//127.0.0.1/live/", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_destination_in_the_config_file_exits_2_naming_it()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        string config = Path.Combine(Directory.CreateTempSubdirectory("uplink-destinations-").FullName, "uplink.json");
        await File.WriteAllTextAsync(config, """{ "Destinations": [ { "Url": "rtmp://127.0.0.1/live/a" }, { "Url": "rtmp://127.0.0.1/live/b", "SendTimeout": -1 } ] }""");
        var result = await UplinkCli.RunAsync(["publish", clip, "rtmp://127.0.0.1/live/c", "--config", config, "--no-realtime"], Timeout);

        string line = AssertOneErrorLine(result, 2);
        Assert.Contains("Destinations[1]", line, StringComparison.Ordinal);
        Assert.Contains("SendTimeout", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_destination_unreachable_exits_3_with_each_one_s_status_and_one_error_line_naming_each()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        int[] ports = [FreePort.Next(), FreePort.Next()];
        var result = await UplinkCli.RunAsync(
            ["publish", clip, .. ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{p}/live/secret-key")), "--no-realtime"],
            Timeout);

        // Each destination says it could not connect as it happens; the run ends with the one error line.
        Assert.True(result.ExitCode == 3, $"expected exit code 3.\n{result.Describe()}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.StartsWith("uplink: error: ", StringComparison.Ordinal));
        string line = lines[^1];
        Assert.StartsWith("uplink: error: ", line, StringComparison.Ordinal);
        foreach (int port in ports)
        {
            string at = string.Create(CultureInfo.InvariantCulture, $":{port}/");
            Assert.Contains(at, line, StringComparison.Ordinal);
            Assert.Contains(lines, l => l.Contains(at, StringComparison.Ordinal) && l.Contains("Disconnected (1): could not connect", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("secret-key", result.StandardError, StringComparison.Ordinal);
    }

    private static string AssertOneErrorLine(ProcessResult result, int exitCode)
    {
        Assert.False(result.TimedOut, result.Describe());
        Assert.True(result.ExitCode == exitCode, $"expected exit code {exitCode}.\n{result.Describe()}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("uplink: error: ", StringComparison.Ordinal), $"expected exactly one error line on stderr, got {lines.Length}.\n{result.Describe()}");
        return lines[0];
    }
}
