using Uplink.Destinations;

namespace Uplink.Tests.Destinations;

public class ConnectionTimestampsTests
{
    // Legacy AVC NALU bodies: frame type/codec, packet type 1, SI24 composition time, then data.
    private static byte[] Avc(bool keyframe, int compositionMs) =>
        [(byte)(keyframe ? 0x17 : 0x27), 1, (byte)(compositionMs >> 16), (byte)(compositionMs >> 8), (byte)compositionMs, 0, 0, 0, 1];

    [Fact]
    public void The_first_connection_starts_at_0_and_continued_ones_go_on()
    {
        var t = new ConnectionTimestamps(RtmpReconnectTimestamps.Continue);
        t.StartConnection(5_000);
        Assert.Equal(0, t.ToConnection(5_000));
        t.AfterLoss();
        t.StartConnection(9_000);
        Assert.Equal(4_000, t.ToConnection(9_000));
        Assert.Equal(4_000, t.ToStream(9_000));
    }

    [Fact]
    public void Without_B_frames_a_restart_puts_the_first_frame_one_interval_in()
    {
        var t = new ConnectionTimestamps(RtmpReconnectTimestamps.Restart);
        t.StartConnection(0);
        for (int i = 0; i < 10; i++)
        {
            t.NoteVideoFrame(i * 33, Avc(i == 0, 0), i == 0);
        }

        t.AfterLoss();
        t.StartConnection(200);
        Assert.Equal(33, t.ToConnection(200));
        Assert.Equal(200, t.ToStream(200));
    }

    [Fact]
    public void With_B_frames_a_restart_presents_the_replayed_keyframe_after_anything_the_lost_connection_delivered()
    {
        // x264 with two B-frames: the keyframe is presented 67 ms after it is decoded, P-frames up to 133 ms.
        var t = new ConnectionTimestamps(RtmpReconnectTimestamps.Restart);
        t.StartConnection(0);
        t.NoteVideoFrame(0, Avc(true, 67), keyframe: true);
        t.NoteVideoFrame(33, Avc(false, 133), keyframe: false);
        t.NoteVideoFrame(67, Avc(false, 0), keyframe: false);
        t.NoteVideoFrame(100, Avc(false, 33), keyframe: false);

        // A server joining the connections adds its last decoding time (100) to the new one's: the keyframe, decoded at
        // 100 + 99, is presented at 266, after the P-frame's 166.
        t.AfterLoss();
        t.StartConnection(2_000);
        Assert.Equal(33 + (133 - 67), t.ToConnection(2_000));
    }

    [Theory]
    [InlineData(new byte[] { 0x17, 1, 0, 0, 67, 0, 0 }, true, 67)]
    [InlineData(new byte[] { 0x27, 1, 0xFF, 0xFF, 0xDF, 0, 0 }, true, -33)]
    [InlineData(new byte[] { 0x17, 0, 0, 0, 0, 1, 2 }, false, 0)]
    [InlineData(new byte[] { 0x27, 1, 0 }, false, 0)]
    [InlineData(new byte[] { 0x91, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 0, 0, 100, 9 }, true, 100)]
    [InlineData(new byte[] { 0x93, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 9, 9, 9 }, true, 0)]
    [InlineData(new byte[] { 0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 1, 2, 3 }, false, 0)]
    public void The_composition_time_is_read_from_legacy_and_extended_coded_frames(byte[] body, bool found, int expected)
    {
        Assert.Equal(found, Uplink.Flv.FlvTags.TryReadCompositionTime(body, out int composition));
        Assert.Equal(expected, composition);
    }
}
