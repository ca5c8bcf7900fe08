using Uplink.Codecs;
using Uplink.Media;

namespace Uplink.Tests.Readers;

/// <summary>What <c>uplink probe</c> says about the FFmpeg 8.1 Enhanced FLV samples, and the HDR transfers it names.</summary>
public class FlvEnhancedProbeTests
{
    [Theory]
    [InlineData("sample-hevc-opus.flv", "video hevc Main 1 160x96 15 True", "audio opus 48000 2")]
    [InlineData("sample-av1-flac.flv", "video av1 Main 2.0 160x96 15 False", "audio flac 48000 2")]
    [InlineData("sample-vp9-ac3.flv", "video vp9 Profile 0 1.0 160x96 15 False", "audio ac3 48000 2")]
    [InlineData("sample-hevc-eac3.flv", "video hevc Main 1 160x96 15 False", "audio eac3 48000 2")]
    [InlineData("sample-h264-mp3.flv", "video h264 Constrained Baseline 1.1 160x96 15 False", "audio mp3 48000 2")]
    public async Task Tracks_are_named_with_profile_level_size_rate_and_channels(string sample, string video, string audio)
    {
        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(FlvReaderSampleTests.TestDataPath(sample)));

        MediaProbeResult result = await MediaProbe.ProbeAsync(reader);

        TrackProbe v = result.Tracks[0], a = result.Tracks[1];
        Assert.Equal(video, $"{v.Type} {v.Codec} {v.Profile} {v.Level} {v.Width}x{v.Height} {v.Frames} {v.BFrames}");
        Assert.Equal(audio, $"{a.Type} {a.Codec} {a.SampleRate} {a.Channels}");
        Assert.Null(v.Hdr);
        Assert.Equal(25, v.FrameRate);
    }

    [Theory]
    [InlineData(16, "PQ")]
    [InlineData(18, "HLG")]
    [InlineData(1, null)]
    [InlineData(2, null)]
    public void HDR_is_the_PQ_or_HLG_transfer_of_a_vpcC(byte transfer, string? hdr)
    {
        // vpcC: profile 2, level 4.1, 10-bit 4:2:0, BT.2020 primaries and matrix, the transfer under test.
        byte[] vpcC = [2, 41, 0xA2, 9, transfer, 9, 0, 0];

        Assert.True(StreamDescription.TryReadVideo(VideoCodec.Vp9, vpcC, out VideoDescription d));
        Assert.Equal(("Profile 2", "4.1", 10, hdr), (d.Profile, d.Level, d.BitDepth, d.Hdr));
    }
}
