using Uplink.Server;

namespace Uplink.Tests.Server;

/// <summary>How the server counts and names what arrives: legacy tags, Enhanced RTMP, and codecs Uplink does not read.</summary>
public class PublishStatisticsTests
{
    [Fact]
    public void Packets_without_media_are_not_counted_as_frames()
    {
        var s = new PublishStatistics();
        s.OnVideo(0, [0x90, .. "hvc1"u8, 1, 2]); // sequence start (unreadable hvcC)
        s.OnVideo(0, [0xD4, .. "hvc1"u8, 2, 0, 9]); // metadata
        s.OnVideo(0, [0x91, .. "hvc1"u8, 0, 0, 0, 5]);
        s.OnVideo(40, [0xA3, .. "hvc1"u8, 5]);
        s.OnVideo(40, [0xD0, 1]); // command frame
        s.OnVideo(80, [0x92, .. "hvc1"u8]); // sequence end
        s.OnAudio(0, [0x90, .. "ac-3"u8]); // FFmpeg's empty AC-3 sequence start
        s.OnAudio(0, [0x94, .. "ac-3"u8, 1, 2, 0, 0, 0, 3]); // multichannel config
        s.OnAudio(0, [0x91, .. "ac-3"u8, 0x0B, 0x77, 0, 0, 0, 0]);

        Assert.Equal((2L, 1L, 40u), (s.VideoFrames, s.AudioFrames, s.LargestVideoGap));
        Assert.Equal("HEVC (unreadable configuration)", s.Video?.Codec);
        Assert.Equal("AC-3", s.Audio?.Codec); // the frame header is unreadable too: no rate, but named
    }

    [Fact]
    public void Codecs_Uplink_does_not_read_are_named_as_sent_and_counted()
    {
        var s = new PublishStatistics();
        s.OnVideo(0, [0x14, 0, 1, 2]);
        s.OnVideo(0, [0x90, .. "vvc1"u8, 1]);
        s.OnAudio(0, [0xB6, 1, 2]);

        Assert.Equal((2L, 1L), (s.VideoFrames, s.AudioFrames));
        Assert.Equal("VP6", s.Video?.Codec);
        Assert.Equal("Speex", s.Audio?.Codec);
    }

    [Fact]
    public void Legacy_MP3_is_described_by_its_first_frame()
    {
        var s = new PublishStatistics();
        s.OnAudio(0, [0x2F, 0xFF, 0xFB, 0x90, 0x64, .. new byte[413]]); // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, joint stereo

        Assert.Equal(new ReceivedAudioConfiguration("MP3", 44100, 2), s.Audio);
    }
}

/// <summary>Enhanced RTMP multitrack publishes: each track counted and described under its trackId.</summary>
public class PublishStatisticsMultitrackTests
{
    private static readonly byte[] Avcc = Convert.FromHexString("0142c00cffe100176742c00cda05067e7c0440000003004000000c83c50aa801000468ce0fc8");

    [Fact]
    public void Each_track_is_counted_and_described_by_track_id()
    {
        var s = new PublishStatistics();
        s.OnVideo(0, [0x17, 0, 0, 0, 0, .. Avcc]); // track 0, legacy AVC sequence header
        s.OnVideo(0, [0x96, 0x00, .. "avc1"u8, 1, .. Avcc]); // track 1, OneTrack SequenceStart
        s.OnVideo(0, [0x17, 1, 0, 0, 0, 0xAA]);
        s.OnVideo(0, [0x96, 0x03, .. "avc1"u8, 1, 0xAA]);
        s.OnVideo(40, [0x27, 1, 0, 0, 0, 0xAA]);
        s.OnVideo(100, [0xA6, 0x13, .. "avc1"u8, 1, 0, 0, 1, 0xAA, 2, 0, 0, 1, 0xBB]); // ManyTracks: tracks 1 and 2
        s.OnAudio(0, [0x95, 0x01, .. "Opus"u8, 3, 0xFC]);
        s.OnAudio(20, [0x95, 0x01, .. "Opus"u8, 3, 0xFC]);

        Assert.Equal((5L, 2L, 100u, 20u), (s.VideoFrames, s.AudioFrames, s.LargestVideoGap, s.LargestAudioGap));
        Assert.Equal("H.264 Constrained Baseline 1.2 320x180", s.Video?.ToString());
        Assert.Equal(
            ["track 0 H.264 Constrained Baseline 1.2 320x180, 2 frames", "track 1 H.264 Constrained Baseline 1.2 320x180, 2 frames", "track 2 unknown, 1 frames"],
            s.VideoTracks.Select(t => t.ToString()));
        Assert.Equal(["track 3 Opus, 2 frames"], s.AudioTracks.Select(t => t.ToString()));
        Assert.Equal("Opus", s.Audio?.Codec); // the default audio track is the lowest trackId, 3
    }

    [Fact]
    public void Broken_multitrack_framing_is_counted_as_unreadable()
    {
        var s = new PublishStatistics();
        s.OnVideo(0, [0x96, 0x13, .. "avc1"u8, 1, 0xFF, 0xFF, 0xFF]);
        s.OnAudio(0, [0x95, 0x35]);

        Assert.Equal((1L, 1L), (s.VideoFrames, s.AudioFrames));
        Assert.Equal("unreadable video", s.Video?.Codec);
        Assert.Equal("unreadable audio", s.Audio?.Codec);
    }
}
