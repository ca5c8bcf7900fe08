using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Relay;

/// <summary>
/// Enhanced RTMP through the relay: FFmpeg 8.1 publishes HEVC (B-frames) with Opus in real time to <c>uplink serve
/// --push</c>, which forwards the tags as they came to Node-Media-Server; NMS records hvc1 that decodes frame-identical.
/// </summary>
public sealed class ServePushEnhancedTests(NodeMediaServerFixture fixture) : IClassFixture<NodeMediaServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HEVC_and_Opus_pass_through_to_Node_Media_Server_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", BFrames = true, Audio = "opus", Container = "mp4" });
        IRtmpPeer nms = fixture.Peer;
        string stream = StreamNames.Next("relay-hevc");
        int port = FreePort.Next();
        await using var serve = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{port}", "--push", nms.PublishUrl(stream)]);
        await serve.WaitForLineAsync(l => l.StartsWith("listening on rtmp://127.0.0.1:", StringComparison.Ordinal), "the listening line", Timeout);

        var publish = await FfmpegLibraries.PublishAsync(clip, $"rtmp://127.0.0.1:{port}/live/hevc", Timeout, realtime: true);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, publish.Describe());
        string end = await serve.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal), "the session end line", Timeout);
        Assert.Contains("HEVC", end, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", serve.StandardOutput, StringComparison.Ordinal);

        string recording = await nms.WaitForRecordingAsync(stream, Timeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"FFmpeg 8.1 → uplink serve --push → {nms.Name}, {clip}");
    }
}
