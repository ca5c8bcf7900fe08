using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Multitrack;

/// <summary>
/// The writer's Multitrack packets, alone: every stream of a clip with several video and audio tracks, demuxed by FFmpeg
/// 8.1 itself, is written as its own track; FFmpeg 8.1's RTMP listener records them all, and each track decodes to exactly
/// the source track's frames.
/// </summary>
public sealed class MultitrackSendPathTests
{
    /// <summary>HEVC 640x360 with B-frames (default) + H.264 320x180, AAC (default) + Opus: a ladder with two codecs.</summary>
    public static readonly FfmpegClipOptions[] Ladder =
    [
        new() { Video = "hevc", BFrames = true, Width = 640, Height = 360, Audio = "none", Container = "mp4" },
        new() { Video = "h264", Width = 320, Height = 180, Audio = "none", Container = "mp4" },
        new() { Video = "none", Audio = "aac", Container = "mp4" },
        new() { Video = "none", Audio = "opus", Container = "mkv" },
    ];

    [Fact]
    public async Task Two_video_and_two_audio_tracks_arrive_each_frame_identical()
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", Ladder);
        var dump = await FfmpegLibraries.DumpPacketsAsync(clip);
        Assert.Equal(4, dump.Streams.Count);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        await DumpPublisher.PublishAllTracksAsync(dump, listener.PublishUrl());

        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedTracksAsync(clip, recording, $"RtmpWriter (multitrack) → {listener.Name}, {clip}");
    }
}
