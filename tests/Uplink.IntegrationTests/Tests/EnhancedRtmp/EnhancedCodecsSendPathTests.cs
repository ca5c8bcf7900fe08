using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.EnhancedRtmp;

/// <summary>
/// The writer's Enhanced RTMP tags, alone: packets demuxed by FFmpeg 8.1 itself (no reader of ours in between) are
/// written with the media types the library builds from their extradata, published to FFmpeg 8.1's RTMP listener, and
/// the recording decodes to exactly the source's frames, video and audio, every codec.
/// </summary>
public sealed class EnhancedCodecsSendPathTests
{
    /// <summary>Every video codec with B-frames where it has them, every audio codec, and the legacy pairs beside them.</summary>
    public static TheoryData<string, bool, string, string> Pairs => new()
    {
        { "hevc", true, "opus", "mp4" },
        { "hevc", false, "aac", "mkv" },
        { "av1", false, "flac", "mp4" },
        { "av1", false, "opus", "webm" },
        { "vp9", false, "ac3", "mp4" },
        { "vp9", false, "opus", "webm" },
        { "h264", true, "eac3", "mp4" },
        { "hevc", false, "mp3", "mkv" },
        { "h264", false, "flac", "mkv" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Frames_written_with_the_library_media_types_arrive_frame_identical(string video, bool bframes, string audio, string container)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bframes, Audio = audio, Container = container });
        var dump = await FfmpegLibraries.DumpPacketsAsync(clip);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        await DumpPublisher.PublishAsync(dump, listener.PublishUrl());

        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"RtmpWriter → {listener.Name}, {clip}");
    }

    /// <summary>H.264 in the Enhanced RTMP form (<see cref="RtmpWriterOptions.EnhancedH264"/>), B-frames included, arrives frame-identical.</summary>
    [Fact]
    public async Task H264_sent_as_avc1_arrives_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "h264", BFrames = true, Audio = "aac", Container = "mp4" });
        var dump = await FfmpegLibraries.DumpPacketsAsync(clip);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        await DumpPublisher.PublishAsync(dump, listener.PublishUrl(), enhancedH264: true);

        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedFramesAsync(clip, recording, $"RtmpWriter (avc1) → {listener.Name}, {clip}");
    }
}
