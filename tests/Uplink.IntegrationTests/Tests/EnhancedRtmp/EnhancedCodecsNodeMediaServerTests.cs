using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.EnhancedRtmp;

/// <summary>
/// Node-Media-Server 4.4.3 records <c>hvc1</c>, <c>av01</c> and <c>vp09</c> as it receives them: the writer's HEVC, AV1 and
/// VP9 tags (with Opus, FLAC and AC-3 beside them) decode frame-identical from its recording, over RTMP and RTMPS. Each
/// publish uses a new stream name: NMS shifts the timestamps of an address that publishes again within 30 s.
/// </summary>
public sealed class EnhancedCodecsNodeMediaServerTests(NodeMediaServerRtmpsFixture fixture) : IClassFixture<NodeMediaServerRtmpsFixture>
{
    public static TheoryData<string, bool, string, string> Pairs => new()
    {
        { "hevc", true, "opus", "mp4" },
        { "av1", false, "flac", "mp4" },
        { "vp9", false, "ac3", "mkv" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public Task Published_over_rtmp_the_recording_is_frame_identical(string video, bool bframes, string audio, string container) =>
        AssertRecordedAsync(video, bframes, audio, container, tls: false);

    [Theory]
    [MemberData(nameof(Pairs))]
    public Task Published_over_rtmps_the_recording_is_frame_identical(string video, bool bframes, string audio, string container) =>
        AssertRecordedAsync(video, bframes, audio, container, tls: true);

    private async Task AssertRecordedAsync(string video, bool bframes, string audio, string container, bool tls)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bframes, Audio = audio, Container = container });
        var dump = await FfmpegLibraries.DumpPacketsAsync(clip);
        var server = fixture.Server;
        var stream = StreamNames.Next($"enhanced-{video}-{audio}");

        await DumpPublisher.PublishAsync(
            dump,
            tls ? server.RtmpsPublishUrl(stream) : server.PublishUrl(stream),
            tls ? new RtmpTlsOptions { AllowUntrustedCertificate = true } : null);

        var recording = await server.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"RtmpWriter → {server.Name}{(tls ? " (RTMPS)" : "")}, {clip}");
    }
}
