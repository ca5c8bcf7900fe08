using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.EnhancedRtmp;

/// <summary>
/// <c>uplink publish CLIP …</c> with the Enhanced RTMP codecs, reader and writer together: clips made by FFmpeg 8.1 in MP4,
/// MKV and WebM go to FFmpeg 8.1's RTMP listener, to Node-Media-Server (RTMP and RTMPS) and to the embedded server
/// (<c>--record</c>); every recording decodes to exactly the clip's video and audio frames.
/// </summary>
public sealed class EnhancedCodecsCliTests(NodeMediaServerRtmpsFixture fixture) : IClassFixture<NodeMediaServerRtmpsFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-enhanced-").FullName;

    /// <summary>
    /// Every video codec and every audio codec at least once, from MP4 and from MKV/WebM; and from an Enhanced FLV (a
    /// recording publishes again) and MPEG-TS.
    /// </summary>
    public static TheoryData<string, bool, string, string> ListenerPairs => new()
    {
        { "hevc", true, "aac", "mp4" },
        { "hevc", true, "opus", "mkv" },
        { "hevc", false, "eac3", "mp4" },
        { "av1", false, "flac", "mp4" },
        { "av1", false, "opus", "webm" },
        { "av1", false, "ac3", "mkv" },
        { "vp9", false, "ac3", "mp4" },
        { "vp9", false, "opus", "webm" },
        { "vp9", false, "flac", "mkv" },
        { "h264", true, "mp3", "mkv" },
        { "hevc", true, "opus", "flv" },
        { "av1", false, "eac3", "flv" },
        { "hevc", true, "ac3", "ts" },
    };

    public static TheoryData<string, string, string> ServerPairs => new()
    {
        { "hevc", "opus", "mp4" },
        { "av1", "flac", "mkv" },
        { "vp9", "opus", "webm" },
    };

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Theory]
    [MemberData(nameof(ListenerPairs))]
    public async Task Published_to_ffmpegs_listener_the_recording_is_frame_identical(string video, bool bframes, string audio, string container)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bframes, Audio = audio, Container = container });
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var result = await UplinkCli.RunAsync(["publish", clip, listener.PublishUrl(), "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"uplink publish → {listener.Name}");
    }

    /// <summary><c>--enhanced-h264</c>: H.264 with B-frames as <c>avc1</c> arrives frame-identical.</summary>
    [Fact]
    public async Task Enhanced_h264_from_the_cli_is_recorded_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "h264", BFrames = true, Audio = "opus", Container = "mkv" });
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var result = await UplinkCli.RunAsync(["publish", clip, listener.PublishUrl(), "--no-realtime", "--enhanced-h264"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"uplink publish --enhanced-h264 → {listener.Name}");
    }

    /// <summary>
    /// An MP4 with negative composition offsets (<c>-movflags negative_cts_offsets</c>, ctts version 1): its decode times
    /// move back as FFmpeg's do, so the B-frames are published instead of refused as shown before they are decoded.
    /// </summary>
    [Fact]
    public async Task An_mp4_with_negative_composition_offsets_is_published_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", BFrames = true, Audio = "aac", Container = "mp4", MovFlags = "negative_cts_offsets" });
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var result = await UplinkCli.RunAsync(["publish", clip, listener.PublishUrl(), "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"uplink publish (negative ctts) → {listener.Name}");
    }

    [Theory]
    [MemberData(nameof(ServerPairs))]
    public async Task Published_to_node_media_server_over_rtmp_and_rtmps_the_recordings_are_frame_identical(string video, string audio, string container)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, Audio = audio, Container = container });
        var server = fixture.Server;
        foreach (bool tls in new[] { false, true })
        {
            var stream = StreamNames.Next($"cli-{video}-{(tls ? "rtmps" : "rtmp")}");
            string[] arguments = tls
                ? ["publish", clip, server.RtmpsPublishUrl(stream), "--no-realtime", "--tls-ca", server.CertificatePath]
                : ["publish", clip, server.PublishUrl(stream), "--no-realtime"];

            var result = await UplinkCli.RunAsync(arguments, Timeout);

            Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
            var recording = await server.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
            await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"uplink publish → {server.Name}{(tls ? " over RTMPS" : "")}");
        }
    }

    [Theory]
    [MemberData(nameof(ServerPairs))]
    public async Task Published_to_the_embedded_server_the_recording_is_frame_identical_and_the_codecs_are_reported(string video, string audio, string container)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, Audio = audio, Container = container });
        var recordings = Directory.CreateDirectory(Path.Combine(_recordings, $"{video}-{audio}")).FullName;

        var result = await UplinkCli.RunAsync(["publish", clip, "--no-realtime", "--json", "--record", recordings], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var received = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "received");
        Assert.True(received.GetProperty("complete").GetBoolean(), result.Describe());
        Assert.StartsWith(video switch { "hevc" => "HEVC", "av1" => "AV1", _ => "VP9" }, received.GetProperty("video").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(audio switch { "opus" => "Opus", _ => "FLAC" }, received.GetProperty("audio").GetString(), StringComparison.Ordinal);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, received.GetProperty("recording").GetString()!, "uplink publish → embedded server");
    }

    /// <summary><c>uplink probe</c> names the Enhanced RTMP codecs with profile, level, size, rate and channels.</summary>
    [Theory]
    [InlineData("hevc", "opus", "mkv", "video: HEVC Main ", "audio: Opus, 48000 Hz, 2 channels, 101 frames")]
    [InlineData("av1", "flac", "mp4", "video: AV1 Main ", "audio: FLAC, 48000 Hz, 2 channels, 21 frames")]
    [InlineData("vp9", "eac3", "mkv", "video: VP9 Profile 0 ", "audio: E-AC-3, 48000 Hz, 2 channels, 63 frames")]
    public async Task Probe_names_the_codecs(string video, string audio, string container, string videoLine, string audioLine)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, Audio = audio, Container = container });

        var result = await UplinkCli.RunAsync(["probe", clip], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Contains($"  v:0 {videoLine}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(", 320x180, 25 fps, 50 frames (2 keyframes", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"  a:0 {audioLine}", result.StandardOutput, StringComparison.Ordinal);
    }
}
