using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Relay;

/// <summary>
/// <c>uplink serve --push --json</c>, relaying to another <c>uplink serve</c>: every stdout line is a JSON object, the
/// destination's lines name it (masked), and its summary says what it was sent. The publisher authenticates as with
/// plain <c>serve</c>.
/// </summary>
public sealed class ServePushJsonTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Status_destination_and_latency_lines_carry_the_masked_destination()
    {
        string clip = await ClipGenerator.GetAsync(new ClipOptions { DurationSeconds = 2, GopFrames = 25 });
        int target = FreePort.Next(), relay = FreePort.Next();
        await using var downstream = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{target}"]);
        await downstream.WaitForLineAsync(l => l.StartsWith("listening on", StringComparison.Ordinal), "the downstream listening line", Timeout);
        await using var serve = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{relay}", "--json", "--user", "alice", "--password", "s3cret", "--authmod", "llnw", "--push", $"rtmp://127.0.0.1:{target}/live/KEY-secret"]);
        await serve.WaitForLineAsync(l => l.Contains("\"type\":\"listening\"", StringComparison.Ordinal), "the listening line", Timeout);

        await using (var ffmpeg = FfmpegPublisher.StartRealTime(clip, $"rtmp://alice:s3cret@127.0.0.1:{relay}/live/cam"))
        {
            var published = await ffmpeg.WaitForExitAsync(Timeout);
            Assert.True(published.ExitCode == 0, published.Describe());
        }

        await serve.WaitForLineAsync(l => l.Contains("\"type\":\"end\"", StringComparison.Ordinal), "the end line", Timeout);
        string downstreamEnd = await downstream.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal), "the downstream end line", Timeout);
        Assert.Contains("live/KEY-secret: unpublished", downstreamEnd, StringComparison.Ordinal);

        List<JsonElement> lines = [.. serve.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        string name = $"rtmp://127.0.0.1:{target}/live/***";
        Assert.Contains(lines, l => Type(l) == "status" && l.GetProperty("destination").GetString() == name && l.GetProperty("status").GetString() == "Connected");
        JsonElement summary = Assert.Single(lines, l => Type(l) == "destination");
        Assert.Equal(name, summary.GetProperty("destination").GetString());
        Assert.True(summary.GetProperty("videoFrames").GetInt64() > 0, summary.ToString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("failure").ValueKind);
        Assert.Single(lines, l => Type(l) == "latency");
        JsonElement end = Assert.Single(lines, l => Type(l) == "end");
        Assert.Equal(summary.GetProperty("videoFrames").GetInt64(), end.GetProperty("videoFrames").GetInt64());
        Assert.DoesNotContain("KEY-secret", serve.StandardOutput + serve.StandardError, StringComparison.Ordinal);
    }

    private static string? Type(JsonElement line) => line.GetProperty("type").GetString();
}
