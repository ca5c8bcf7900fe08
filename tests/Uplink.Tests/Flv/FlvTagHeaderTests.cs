using Uplink.Flv.Parsing;

namespace Uplink.Tests.Flv;

/// <summary>The shared tag header parser on the bytes FFmpeg 8.1 writes, the spec's corners, and broken input.</summary>
public class FlvTagHeaderTests
{
    [Theory]
    [InlineData("9068766331aabb", VideoCodec.Hevc, "SequenceStart", true, 0, 5)]
    [InlineData("9168766331000050aabb", VideoCodec.Hevc, "CodedFrames", true, 80, 8)]
    [InlineData("a168766331fffff6aabb", VideoCodec.Hevc, "CodedFrames", false, -10, 8)]
    [InlineData("a368766331aabb", VideoCodec.Hevc, "CodedFrames", false, 0, 5)]
    [InlineData("d468766331020009", VideoCodec.Hevc, "Metadata", false, 0, 5)]
    [InlineData("9261763031", VideoCodec.Av1, "SequenceEnd", false, 0, 5)]
    [InlineData("9161763031aabb", VideoCodec.Av1, "CodedFrames", true, 0, 5)]
    [InlineData("a176703039aabb", VideoCodec.Vp9, "CodedFrames", false, 0, 5)]
    [InlineData("9161766331000028aa", VideoCodec.H264, "CodedFrames", true, 40, 8)]
    [InlineData("1701000050aa", VideoCodec.H264, "CodedFrames", true, 80, 5)]
    [InlineData("1700000000aa", VideoCodec.H264, "SequenceStart", true, 0, 5)]
    [InlineData("2c01000000aa", VideoCodec.Hevc, "CodedFrames", false, 0, 5)]
    // ModEx (TimestampOffsetNano, 3 bytes of data) then CodedFramesX: the data is skipped.
    [InlineData("a7020f42400368766331aabb", VideoCodec.Hevc, "CodedFrames", false, 0, 10)]
    public void Video_headers_are_read(string hex, VideoCodec codec, string kind, bool key, int compositionTime, int payloadOffset)
    {
        FlvVideoTagHeader h = FlvVideoTagHeader.Read(Convert.FromHexString(hex));
        Assert.Null(h.Problem);
        Assert.Equal((codec, Enum.Parse<FlvPacketKind>(kind), key, compositionTime, payloadOffset), (h.Codec!.Value, h.Kind, h.IsKeyframe, h.CompositionTime, h.PayloadOffset));
    }

    [Theory]
    [InlineData("5001")] // legacy command frame
    [InlineData("d001")] // ex header command frame: one command byte, no FourCC
    [InlineData("17")]
    [InlineData("")]
    public void Command_frames_and_empty_bodies_carry_nothing(string hex)
    {
        FlvVideoTagHeader h = FlvVideoTagHeader.Read(Convert.FromHexString(hex));
        Assert.Null(h.Problem);
        Assert.Equal(FlvPacketKind.Empty, h.Kind);
    }

    [Theory]
    [InlineData("9576703039", false, "'vp09' MPEG2TSSequenceStart video packets are not supported")]
    [InlineData("9876703039", true, "'vp09' video tag has unknown Enhanced RTMP packet type 8")]
    [InlineData("916876", true, "Enhanced RTMP video tag has 3 bytes, too few for its FourCC")]
    [InlineData("916876633100", true, "'hvc1' CodedFrames tag has 6 bytes, too few for its composition time")]
    [InlineData("9702aabb", true, "Enhanced RTMP video tag ends inside its ModEx data")]
    [InlineData("170700000000", true, "H.264 video tag has unknown AVC packet type 7")]
    [InlineData("1700", true, "H.264 video tag has 2 bytes, fewer than its 5-byte header")]
    [InlineData("2401", false, "video codec VP6 (FLV codec id 4) is not supported: H.264, HEVC, AV1 and VP9 are")]
    public void Video_problems_are_named(string hex, bool malformed, string problem)
    {
        FlvVideoTagHeader h = FlvVideoTagHeader.Read(Convert.FromHexString(hex));
        Assert.Equal((problem, malformed), (h.Problem, h.IsMalformed));
        Assert.Null(h.Codec);
    }

    [Theory]
    [InlineData("904f707573aa", AudioCodec.Opus, "SequenceStart", 5)]
    [InlineData("914f707573aa", AudioCodec.Opus, "CodedFrames", 5)]
    [InlineData("944f707573010200000003", AudioCodec.Opus, "MultichannelConfig", 5)]
    [InlineData("90664c6143aa", AudioCodec.Flac, "SequenceStart", 5)]
    [InlineData("9161632d33aa", AudioCodec.Ac3, "CodedFrames", 5)]
    [InlineData("9165632d33aa", AudioCodec.Eac3, "CodedFrames", 5)]
    [InlineData("922e6d7033", AudioCodec.Mp3, "SequenceEnd", 5)]
    [InlineData("906d703461aa", AudioCodec.Aac, "SequenceStart", 5)]
    [InlineData("af00aa", AudioCodec.Aac, "SequenceStart", 2)]
    [InlineData("af01aa", AudioCodec.Aac, "CodedFrames", 2)]
    [InlineData("2fffe3", AudioCodec.Mp3, "CodedFrames", 1)]
    [InlineData("e2fffb", AudioCodec.Mp3, "CodedFrames", 1)]
    [InlineData("97020f42400161632d33aa", AudioCodec.Ac3, "CodedFrames", 10)]
    public void Audio_headers_are_read(string hex, AudioCodec codec, string kind, int payloadOffset)
    {
        FlvAudioTagHeader h = FlvAudioTagHeader.Read(Convert.FromHexString(hex));
        Assert.Null(h.Problem);
        Assert.Equal((codec, Enum.Parse<FlvPacketKind>(kind), payloadOffset), (h.Codec!.Value, h.Kind, h.PayloadOffset));
    }

    [Theory]
    [InlineData("93664c6143", true, "'fLaC' audio tag has unknown Enhanced RTMP packet type 3")]
    [InlineData("90664c", true, "Enhanced RTMP audio tag has 3 bytes, too few for its FourCC")]
    [InlineData("af02", true, "AAC audio tag has unknown AAC packet type 2")]
    [InlineData("b6aa", false, "audio format Speex (FLV sound format 11) is not supported: AAC, MP3, Opus, FLAC, AC-3 and E-AC-3 are")]
    public void Audio_problems_are_named(string hex, bool malformed, string problem)
    {
        FlvAudioTagHeader h = FlvAudioTagHeader.Read(Convert.FromHexString(hex));
        Assert.Equal((problem, malformed), (h.Problem, h.IsMalformed));
    }
}
