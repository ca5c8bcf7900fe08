using Uplink.Codecs;
using Uplink.Tests.Codecs;
using static Uplink.Tests.Media.DirectShowFormatBlocks;

namespace Uplink.Tests.Media;

public class VideoMediaTypeTests
{
    private static readonly Guid FormatVideoInfo = new("05589F80-C356-11CE-BF01-00AA0055595A");
    private static readonly Guid FormatVideoInfo2 = new("F72A76A0-EB0A-11D0-ACE4-0000C0CC16BA");
    private static readonly Guid SubtypeMpeg2Video = new("E06D8026-DB46-11CF-B4D1-00805F6CBBEA");
    private static readonly Guid SubtypeAvc1 = new("31637661-0000-0010-8000-00AA00389B71");
    private static readonly Guid SubtypeHevc = new("43564548-0000-0010-8000-00AA00389B71");

    private static SpsCase Hd => CodecTestData.SpsCases["high-1280x720-bframes"];

    [Fact]
    public void H264AnnexB_has_in_band_parameter_sets()
    {
        VideoMediaType type = VideoMediaType.H264AnnexB;

        Assert.Equal(0, type.NalLengthSize);
        Assert.True(type.DecoderConfiguration.IsEmpty);
        Assert.Null(type.Width);
        Assert.Null(type.FrameRate);
        Assert.Equal("H.264, Annex-B, in-band parameter sets", type.ToString());
    }

    [Fact]
    public void H264_from_a_record_takes_its_nal_length_size_and_picture_from_the_sps()
    {
        byte[] record = AvcDecoderConfigurationRecord.Build([Hd.Sps], [Hd.Pps], 2);

        VideoMediaType type = VideoMediaType.H264(record);

        Assert.Equal(2, type.NalLengthSize);
        Assert.Equal(record, type.DecoderConfiguration.ToArray());
        Assert.Equal((1280, 720, 25.0), (type.Width, type.Height, type.FrameRate));
        Assert.Null(type.BitRate);
        Assert.Equal("H.264 High 3.1, 1280x720, 25 fps, 2-byte NAL lengths", type.ToString());
    }

    [Fact]
    public void H264_refuses_a_malformed_record_with_ArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => VideoMediaType.H264([2, 0x64, 0, 0x1F, 0xFF, 0xE1, 0]));

        Assert.StartsWith("avcC configurationVersion at offset 0 is 2, not 1", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FORMAT_None_means_annex_b_with_in_band_parameter_sets(bool lowercase)
    {
        VideoMediaType type = VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, lowercase ? DirectShowGuids.SubtypeH264Lowercase : DirectShowGuids.SubtypeH264,
            DirectShowGuids.FormatNone, []);

        Assert.Same(VideoMediaType.H264AnnexB, type);
    }

    [Fact]
    public void MPEG2VIDEOINFO_with_length_prefixed_parameter_sets_builds_the_ffmpeg_avcC()
    {
        byte[] block = Mpeg2VideoInfo(LengthPrefixed(Hd.Sps, Hd.Pps), nalLengthSize: 4, averageTimePerFrame: 333_667, bitRate: 3_000_000);

        VideoMediaType type = VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, DirectShowGuids.FormatMpeg2Video, block);

        Assert.Equal(4, type.NalLengthSize);
        Assert.Equal(Convert.ToHexString(Hd.FfmpegAvcC), Convert.ToHexString(type.DecoderConfiguration.Span));
        Assert.Equal((1280, 720), (type.Width, type.Height));
        Assert.Equal(10_000_000.0 / 333_667, type.FrameRate!.Value, 9);
        Assert.Equal(3_000_000, type.BitRate);
        Assert.Equal("H.264 High 3.1, 1280x720, 29.97 fps, 4-byte NAL lengths", type.ToString());
    }

    [Fact]
    public void MPEG2VIDEOINFO_with_annex_b_parameter_sets_and_annex_b_samples()
    {
        byte[] aud = [0x09, 0xF0];
        SpsCase c = CodecTestData.SpsCases["main-640x360-ntsc"];
        byte[] block = Mpeg2VideoInfo(AnnexB(aud, c.Sps, c.Pps), nalLengthSize: 0, averageTimePerFrame: 0, bitRate: 0, padding: 4);

        VideoMediaType type = VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264Lowercase, DirectShowGuids.FormatMpeg2Video, block);

        Assert.Equal(0, type.NalLengthSize);
        Assert.Equal(Convert.ToHexString(c.FfmpegAvcC), Convert.ToHexString(type.DecoderConfiguration.Span));
        Assert.Equal(30000.0 / 1001, type.FrameRate!.Value, 9); // from the SPS, as AvgTimePerFrame is 0
        Assert.Null(type.BitRate);
        Assert.Equal("H.264 Main 3, 640x360, 29.97 fps, Annex-B, out-of-band parameter sets", type.ToString());
    }

    [Fact]
    public void Picture_size_falls_back_to_the_bitmap_header_when_the_sps_does_not_parse()
    {
        byte[] brokenSps = [0x67, 0x42, 0xC0, 0x1E]; // Baseline: the avcC needs nothing from inside the SPS
        byte[] block = Mpeg2VideoInfo(LengthPrefixed(brokenSps, Hd.Pps), width: 720, height: -576);

        VideoMediaType type = VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, DirectShowGuids.FormatMpeg2Video, block);

        Assert.Equal((720, 576, 25.0), (type.Width, type.Height, type.FrameRate));
    }

    [Fact]
    public void A_high_profile_sps_that_does_not_parse_is_refused()
    {
        byte[] brokenSps = [0x67, 0x64, 0x00, 0x1F];

        var e = Assert.Throws<ArgumentException>(() => FromMpeg2(Mpeg2VideoInfo(LengthPrefixed(brokenSps, Hd.Pps))));

        Assert.StartsWith("the first SPS does not parse", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_shorter_than_the_header_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, DirectShowGuids.FormatMpeg2Video, new byte[100]));

        Assert.StartsWith("MPEG2VIDEOINFO block is 100 bytes, too short (at least 132 needed)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_header_size_that_overruns_the_block_is_refused()
    {
        byte[] block = Mpeg2VideoInfo(LengthPrefixed(Hd.Sps, Hd.Pps), declaredSequenceHeaderSize: 1000);

        var e = Assert.Throws<ArgumentException>(() => FromMpeg2(block));

        Assert.StartsWith("MPEG2VIDEOINFO cbSequenceHeader 1000 at offset 116 overruns the block", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_header_without_a_pps_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => FromMpeg2(Mpeg2VideoInfo(LengthPrefixed(Hd.Sps))));

        Assert.StartsWith("MPEG2VIDEOINFO sequence header (", e.Message, StringComparison.Ordinal);
        Assert.Contains("holds 1 SPS and 0 PPS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_sequence_header_is_refused()
    {
        Assert.Contains("holds 0 SPS and 0 PPS", Assert.Throws<ArgumentException>(() => FromMpeg2(Mpeg2VideoInfo([]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_garbled_length_prefixed_sequence_header_is_refused()
    {
        byte[] header = LengthPrefixed(Hd.Sps, Hd.Pps);
        header[0] = 0x7F;

        var e = Assert.Throws<ArgumentException>(() => FromMpeg2(Mpeg2VideoInfo(header)));

        Assert.StartsWith("MPEG2VIDEOINFO sequence header: parameter set length at offset 132 overruns cbSequenceHeader", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nal_length_size_of_3_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => FromMpeg2(Mpeg2VideoInfo(LengthPrefixed(Hd.Sps, Hd.Pps), nalLengthSize: 3)));

        Assert.StartsWith("MPEG2VIDEOINFO dwFlags 3 at offset 128 is not a NAL length size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_major_types_are_refused() =>
        Assert.Equal("video input accepts MEDIATYPE_Video only, got MEDIATYPE_Audio",
            Assert.Throws<NotSupportedException>(() => VideoMediaType.FromDirectShow(
                DirectShowGuids.MediaTypeAudio, DirectShowGuids.SubtypeH264, DirectShowGuids.FormatNone, [])).Message);

    public static TheoryData<Guid, string> RefusedSubtypes => new()
    {
        { SubtypeMpeg2Video, "video input accepts H.264 only, got MPEG-2 video" },
        { SubtypeAvc1, "video input accepts H.264 only, got avc1 (length-prefixed H.264)" },
        { SubtypeHevc, "video input accepts H.264 only, got HEVC" },
        { DirectShowGuids.SubtypeAac, "video input accepts H.264 only, got AAC" },
        { new("3234504D-0000-0010-8000-00AA00389B71"), "video input accepts H.264 only, got FourCC 'MP42'" },
        { new("12345678-9ABC-DEF0-1234-56789ABCDEF0"), "video input accepts H.264 only, got {12345678-9ABC-DEF0-1234-56789ABCDEF0}" },
    };

    [Theory]
    [MemberData(nameof(RefusedSubtypes))]
    public void Other_subtypes_are_refused_by_name(Guid subtype, string message) =>
        Assert.Equal(message, Assert.Throws<NotSupportedException>(() => VideoMediaType.FromDirectShow(
            DirectShowGuids.MediaTypeVideo, subtype, DirectShowGuids.FormatNone, [])).Message);

    [Fact]
    public void Other_format_types_are_refused_by_name()
    {
        Assert.Equal("video input accepts FORMAT_MPEG2_VIDEO or FORMAT_None, got FORMAT_VideoInfo2",
            Assert.Throws<NotSupportedException>(() => VideoMediaType.FromDirectShow(
                DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, FormatVideoInfo2, new byte[200])).Message);
        Assert.Equal("video input accepts FORMAT_MPEG2_VIDEO or FORMAT_None, got FORMAT_VideoInfo",
            Assert.Throws<NotSupportedException>(() => VideoMediaType.FromDirectShow(
                DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, FormatVideoInfo, new byte[200])).Message);
    }

    [Fact]
    public void Random_format_blocks_only_ever_throw_ArgumentException()
    {
        var random = new Random(17);
        byte[] good = Mpeg2VideoInfo(LengthPrefixed(Hd.Sps, Hd.Pps));
        for (int i = 0; i < 20_000; i++)
        {
            byte[] block = [.. good];
            if (i % 2 == 0)
            {
                random.NextBytes(block.AsSpan(116, 16)); // sizes and flags
            }

            for (int flips = random.Next(0, 4); flips > 0; flips--)
            {
                block[random.Next(112, block.Length)] ^= (byte)random.Next(1, 256);
            }

            try
            {
                VideoMediaType type = FromMpeg2(block.AsSpan(0, random.Next(120, block.Length + 1)).ToArray());
                Assert.False(type.DecoderConfiguration.IsEmpty);
            }
            catch (ArgumentException)
            {
            }
        }
    }

    private static VideoMediaType FromMpeg2(byte[] block) =>
        VideoMediaType.FromDirectShow(DirectShowGuids.MediaTypeVideo, DirectShowGuids.SubtypeH264, DirectShowGuids.FormatMpeg2Video, block);
}
