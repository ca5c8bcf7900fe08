using Uplink.Flv.Parsing;

namespace Uplink.Tests.Flv;

/// <summary>Enhanced RTMP Multitrack and ModEx in the shared tag header parser: FFmpeg 8.1's bytes, every multitrack type, and broken framing.</summary>
public class FlvMultitrackTests
{
    private static List<(int TrackId, string Codec, FlvPacketKind Kind, bool Key, int Cts, string Payload)> Video(string hex)
    {
        byte[] body = Convert.FromHexString(hex);
        var tracks = new List<(int, string, FlvPacketKind, bool, int, string)>();
        foreach (FlvVideoTagHeader h in new FlvVideoTracks(body))
        {
            Assert.Null(h.Problem);
            tracks.Add((h.TrackId, h.CodecLabel, h.Kind, h.IsKeyframe, h.CompositionTime, Convert.ToHexStringLower(body.AsSpan(h.PayloadOffset, h.PayloadLength))));
        }

        return tracks;
    }

    private static List<(int TrackId, string Codec, FlvPacketKind Kind, string Payload)> Audio(string hex)
    {
        byte[] body = Convert.FromHexString(hex);
        var tracks = new List<(int, string, FlvPacketKind, string)>();
        foreach (FlvAudioTagHeader h in new FlvAudioTracks(body))
        {
            Assert.Null(h.Problem);
            tracks.Add((h.TrackId, h.CodecLabel, h.Kind, Convert.ToHexStringLower(body.AsSpan(h.PayloadOffset, h.PayloadLength))));
        }

        return tracks;
    }

    [Fact]
    public void FFmpeg_one_track_packets_are_read()
    {
        // Keyframe, Multitrack; OneTrack|SequenceStart; avc1; trackId 1; avcC.
        Assert.Equal([(1, "avc1", FlvPacketKind.SequenceStart, true, 0, "0142c0")], Video("96" + "00" + "61766331" + "01" + "0142c0"));
        // Inter frame, OneTrack|CodedFramesX.
        Assert.Equal([(1, "avc1", FlvPacketKind.CodedFrames, false, 0, "00000241")], Video("a6" + "03" + "61766331" + "01" + "00000241"));
        // OneTrack|CodedFrames carries the SI24 composition time.
        Assert.Equal([(2, "hvc1", FlvPacketKind.CodedFrames, true, 80, "aabb")], Video("96" + "01" + "68766331" + "02" + "000050" + "aabb"));
        Assert.Equal([(1, "Opus", FlvPacketKind.SequenceStart, "4f707573")], Audio("95" + "00" + "4f707573" + "01" + "4f707573"));
        Assert.Equal([(1, "Opus", FlvPacketKind.MultichannelConfig, "0102")], Audio("95" + "04" + "4f707573" + "01" + "0102"));
        Assert.Equal([(1, "Opus", FlvPacketKind.CodedFrames, "fcc9")], Audio("95" + "01" + "4f707573" + "01" + "fcc9"));
    }

    [Fact]
    public void Many_tracks_and_many_codecs_are_read_in_order()
    {
        // ManyTracks|CodedFramesX, hvc1: track 0 (2 bytes), track 3 (0 bytes), track 1 (3 bytes).
        Assert.Equal(
            [(0, "hvc1", FlvPacketKind.CodedFrames, true, 0, "aabb"), (3, "hvc1", FlvPacketKind.CodedFrames, true, 0, ""), (1, "hvc1", FlvPacketKind.CodedFrames, true, 0, "ccddee")],
            Video("96" + "13" + "68766331" + "00000002aabb" + "03000000" + "01000003ccddee"));
        // ManyTracksManyCodecs|SequenceStart: each track names its FourCC.
        Assert.Equal(
            [(0, "av01", FlvPacketKind.SequenceStart, true, 0, "81"), (1, "vp09", FlvPacketKind.SequenceStart, true, 0, "0102")],
            Video("96" + "20" + "61763031" + "00000001" + "81" + "76703039" + "01000002" + "0102"));
        Assert.Equal(
            [(0, "Opus", FlvPacketKind.CodedFrames, "aa"), (1, "mp4a", FlvPacketKind.CodedFrames, "bbcc")],
            Audio("95" + "21" + "4f707573" + "00000001aa" + "6d703461" + "01000002bbcc"));
    }

    [Fact]
    public void Single_track_messages_are_one_track_zero()
    {
        Assert.Equal([(0, "H.264", FlvPacketKind.CodedFrames, true, 80, "aa")], Video("1701000050aa"));
        Assert.Equal([(0, "AAC", FlvPacketKind.CodedFrames, "aa")], Audio("af01aa"));
    }

    [Fact]
    public void Timestamp_offset_nano_is_exposed_and_applies_to_every_track()
    {
        // ModEx: 3 bytes of data (0x0f4240 = 1,000,000 ns), then TimestampOffsetNano|CodedFramesX.
        FlvVideoTagHeader single = FlvVideoTagHeader.Read(Convert.FromHexString("a7020f42400368766331aabb"));
        Assert.Equal((1_000_000, 10, 2), (single.TimestampOffsetNanoseconds, single.PayloadOffset, single.PayloadLength));

        // ModEx (500 ns) before Multitrack; the 16-bit ModEx size form (size byte 255, UI16 size - 1 = 2).
        byte[] body = Convert.FromHexString("97" + "ff0002" + "0001f4" + "06" + "03" + "61766331" + "01" + "aa");
        foreach (FlvVideoTagHeader h in new FlvVideoTracks(body))
        {
            Assert.Equal((1, 500, "aa"), (h.TrackId, h.TimestampOffsetNanoseconds, Convert.ToHexStringLower(body.AsSpan(h.PayloadOffset, h.PayloadLength))));
        }

        FlvAudioTagHeader audio = FlvAudioTagHeader.Read(Convert.FromHexString("97020001f4" + "01" + "4f707573aa"));
        Assert.Equal((500, FlvPacketKind.CodedFrames), (audio.TimestampOffsetNanoseconds, audio.Kind));
    }

    [Fact]
    public void An_unsupported_codec_in_a_track_is_a_problem_not_an_error()
    {
        byte[] body = Convert.FromHexString("96" + "23" + "76766331" + "01000001" + "aa" + "61766331" + "02000001" + "bb");
        var seen = new List<(int, string?)>();
        foreach (FlvVideoTagHeader h in new FlvVideoTracks(body))
        {
            seen.Add((h.TrackId, h.Problem));
        }

        Assert.Equal([(1, "Enhanced RTMP video FourCC 'vvc1' is not supported: hvc1, av01, vp09 and avc1 are"), (2, null)], seen);
    }

    [Theory]
    [InlineData("97020001f406", "Enhanced RTMP multitrack video tag ends at body offset 6, before its multitrack type")]
    [InlineData("963061766331", "Enhanced RTMP multitrack video tag has unknown multitrack type 3 at body offset 1")]
    [InlineData("960661766331", "Enhanced RTMP multitrack video tag nests Multitrack inside Multitrack at body offset 1")]
    [InlineData("960761766331", "Enhanced RTMP multitrack video tag has ModEx as its tracks' packet type at body offset 1")]
    [InlineData("96006176", "Enhanced RTMP multitrack video tag ends at body offset 4, inside the FourCC at body offset 2")]
    [InlineData("960361766331", "Enhanced RTMP multitrack video tag ends at body offset 6, before its first track")]
    [InlineData("96136176633101000010aa", "Enhanced RTMP multitrack video tag track 1's size 16 at body offset 7 overruns the 11-byte body")]
    [InlineData("9613617663310100", "Enhanced RTMP multitrack video tag ends at body offset 8, inside track 1's size at body offset 7")]
    [InlineData("96206176303100000001aa6176", "Enhanced RTMP multitrack video tag ends at body offset 13, inside the track FourCC at body offset 11")]
    [InlineData("96016176633101aa", "Enhanced RTMP multitrack video tag track 1 at body offset 7: 'avc1' CodedFrames tag has 1 bytes, too few for its composition time")]
    [InlineData("9618617663310100000161", "Enhanced RTMP multitrack video tag track 1 at body offset 10: 'avc1' video tag has unknown Enhanced RTMP packet type 8")]
    public void Broken_video_framing_is_named_with_its_offset(string hex, string message)
    {
        byte[] body = Convert.FromHexString(hex);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (FlvVideoTagHeader h in new FlvVideoTracks(body))
            {
                _ = h;
            }
        });
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("95054f707573", "Enhanced RTMP multitrack audio tag nests Multitrack inside Multitrack at body offset 1")]
    [InlineData("95114f70757301ffffff", "Enhanced RTMP multitrack audio tag track 1's size 16777215 at body offset 7 overruns the 10-byte body")]
    [InlineData("95034f70757301aa", "Enhanced RTMP multitrack audio tag track 1 at body offset 7: 'Opus' audio tag has unknown Enhanced RTMP packet type 3")]
    public void Broken_audio_framing_is_named_with_its_offset(string hex, string message)
    {
        byte[] body = Convert.FromHexString(hex);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (FlvAudioTagHeader h in new FlvAudioTracks(body))
            {
                _ = h;
            }
        });
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Random_bodies_never_fail_otherwise_and_stay_in_bounds()
    {
        var random = new Random(20261206);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 200_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            buffer[0] = (byte)(random.Next(2) == 0 ? 0x90 | (random.Next(8) << 4) : 0x90);
            if (random.Next(2) == 0 && length > 1)
            {
                buffer[0] = (byte)((buffer[0] & 0xF0) | (random.Next(2) == 0 ? 6 : 7));
            }

            ReadOnlySpan<byte> body = buffer.AsSpan(0, length);
            try
            {
                foreach (FlvVideoTagHeader h in new FlvVideoTracks(body))
                {
                    Assert.InRange(h.PayloadOffset + h.PayloadLength, 0, length);
                }
            }
            catch (InvalidDataException)
            {
            }

            try
            {
                if (length > 0)
                {
                    buffer[0] = (byte)(0x90 | random.Next(8));
                }

                foreach (FlvAudioTagHeader h in new FlvAudioTracks(body))
                {
                    Assert.InRange(h.PayloadOffset + h.PayloadLength, 0, length);
                }
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
