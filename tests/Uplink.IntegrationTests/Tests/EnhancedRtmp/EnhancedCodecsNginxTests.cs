using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Inputs;

namespace Uplink.IntegrationTests.Tests.EnhancedRtmp;

/// <summary>
/// nginx-rtmp 1.2.2 predates Enhanced RTMP: it accepts an HEVC publish and records no picture of it (its keyframe
/// check never matches an extended header). Uplink refuses such a publish up front, naming the server and the codec;
/// Enhanced audio beside H.264 passes through nginx intact.
/// </summary>
public sealed class EnhancedCodecsNginxTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Hevc_to_nginx_rtmp_exits_3_saying_nginx_drops_it()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", Audio = "opus", Container = "mp4" });

        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("nginx-hevc")), "--no-realtime"], Timeout);

        var line = CliAssert.FailedWithOneErrorLine(result, 3);
        Assert.Contains("looks like nginx-rtmp", line, StringComparison.Ordinal);
        Assert.Contains("drops HEVC video", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enhanced_h264_to_nginx_rtmp_exits_3_and_the_legacy_form_is_published()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "h264", Audio = "aac", Container = "mp4" });

        var enhanced = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("nginx-avc1")), "--no-realtime", "--enhanced-h264"], Timeout);
        var legacy = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("nginx-avc")), "--no-realtime"], Timeout);

        Assert.Contains("drops Enhanced RTMP H.264 video", CliAssert.FailedWithOneErrorLine(enhanced, 3), StringComparison.Ordinal);
        Assert.True(!legacy.TimedOut && legacy.ExitCode == 0, legacy.Describe());
    }

    [Fact]
    public async Task H264_with_opus_to_nginx_rtmp_is_recorded_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "h264", Audio = "opus", Container = "mkv" });
        var stream = StreamNames.Next("nginx-opus");

        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(stream), "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await fixture.Peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, "uplink publish → nginx-rtmp (H.264 + Opus)");
    }
}
