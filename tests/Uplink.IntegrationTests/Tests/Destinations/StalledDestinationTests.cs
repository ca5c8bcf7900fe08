using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Destinations;

/// <summary>
/// <c>uplink publish CLIP NGINX NMS</c> with a third destination from the config file that completes the handshake and
/// then never reads: in real time, the two servers record every frame, the stalled one is reported failed by its name,
/// the publish takes the clip's time (not the stalled server's timeouts on top), and the exit code is 4.
/// </summary>
public sealed class StalledDestinationTests(NginxRtmpFixture nginx, NodeMediaServerFixture nms) : IClassFixture<NginxRtmpFixture>, IClassFixture<NodeMediaServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_servers_record_every_frame_while_a_stalled_third_is_reported_failed_with_exit_4()
    {
        var options = new ClipOptions { DurationSeconds = 8, GopFrames = 25 };
        string clip = await ClipGenerator.GetAsync(options);
        string stream = StreamNames.Next("destinations-stalled");
        await using var stalled = StalledRtmpServer.Start();
        string config = Path.Combine(Directory.CreateTempSubdirectory("uplink-destinations-").FullName, "uplink.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Destinations = new[] { new { Url = stalled.PublishUrl(stream), Name = "stalled", ConnectTimeout = 2, ReconnectAttempts = 0 } },
        }));

        var clock = Stopwatch.StartNew();
        var result = await UplinkCli.RunAsync(["publish", clip, nginx.Peer.PublishUrl(stream), nms.Peer.PublishUrl(stream), "--config", config, "--json"], Timeout);
        TimeSpan elapsed = clock.Elapsed;

        Assert.True(!result.TimedOut && result.ExitCode == 4, $"expected exit code 4 (some destinations failed).\n{result.Describe()}");
        Assert.True(stalled.HandshakeCompleted.IsCompleted, $"uplink never completed the handshake with the stalled server.\n{result.Describe()}");
        Assert.True(
            elapsed < TimeSpan.FromSeconds(options.DurationSeconds + 4),
            string.Create(CultureInfo.InvariantCulture, $"an {options.DurationSeconds} s clip took {elapsed.TotalSeconds:0.0} s: the stalled destination held the stream up.\n{result.Describe()}"));

        // The stream name stands in for a stream key: it is masked everywhere.
        Assert.DoesNotContain(stream, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(stream, result.StandardError, StringComparison.Ordinal);

        var json = new JsonOutput(result);
        JsonElement failed = json.Result(name: "stalled");
        Assert.Equal("failed", failed.GetProperty("result").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("failure").GetString()), failed.ToString());
        Assert.DoesNotContain(json.About("status", name: "stalled"), l => l.GetProperty("status").GetString() == "Connected");
        foreach (int port in new[] { ((NginxRtmp)nginx.Peer).Port, ((NodeMediaServer)nms.Peer).Port })
        {
            JsonElement complete = json.Result(port: port);
            Assert.True(complete.GetProperty("result").GetString() == "complete" && !complete.TryGetProperty("failure", out _), complete.ToString());
            Assert.Contains(json.About("status", port: port), l => l.GetProperty("status").GetString() == "Connected");
        }

        string nginxRecording = await nginx.Peer.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, nginxRecording, "uplink → nginx-rtmp (beside NMS and a stalled server)");
        string nmsRecording = await nms.Peer.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, nmsRecording, "uplink → Node-Media-Server (beside nginx-rtmp and a stalled server)");
    }
}
