using System.Globalization;
using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

public class HevcSequenceParameterSetTests
{
    public static TheoryData<string> ParamNames => HevcTestData.ParamNames();

    public static TheoryData<string> StreamNames => HevcTestData.StreamNames();

    [Theory]
    [MemberData(nameof(StreamNames))]
    public void Parse_agrees_with_ffprobe_on_the_x265_streams(string name)
    {
        HevcStreamCase c = HevcTestData.Streams[name];
        byte[] nal = HevcTestData.NalUnits(c.Stream).First(n => HevcNalUnitHeader.ReadType(n) == HevcNalUnitType.Sps);

        AssertAgreesWithFfprobe(HevcSequenceParameterSet.Parse(nal), c.Fields);
    }

    [Theory]
    [MemberData(nameof(ParamNames))]
    public void Parse_agrees_with_ffprobe_on_the_x265_parameter_cases(string name)
    {
        HevcParamCase c = HevcTestData.Params[name];

        AssertAgreesWithFfprobe(HevcSequenceParameterSet.Parse(c.Sps), c.Fields);
    }

    [Fact]
    public void Parse_reads_the_x265_main_stream_as_ffprobe_reports_it()
    {
        // ffprobe -show_streams x265-main.h265: profile=Main width=320 height=180 level=60 pix_fmt=yuv420p
        // sample_aspect_ratio=1:1 color_range=tv color_space/transfer/primaries=unknown r_frame_rate=25/1
        byte[] nal = HevcTestData.NalUnits(HevcTestData.Main.Stream).First(n => HevcNalUnitHeader.ReadType(n) == HevcNalUnitType.Sps);

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal((320, 180, 320, 192), (sps.Width, sps.Height, sps.CodedWidth, sps.CodedHeight)); // ffprobe: coded 320x192
        Assert.Equal(("Main", 60, "2", false), (sps.ProfileTierLevel.ProfileName, sps.ProfileTierLevel.LevelIdc, sps.ProfileTierLevel.LevelName, sps.ProfileTierLevel.HighTier));
        Assert.Equal((1, 8, 8), (sps.ChromaFormatIdc, sps.BitDepthLuma, sps.BitDepthChroma));
        Assert.Equal((1, 1), (sps.SarWidth, sps.SarHeight));
        Assert.Equal((false, 2, 2, 2), (sps.VideoFullRange, sps.ColourPrimaries, sps.TransferCharacteristics, sps.MatrixCoefficients));
        Assert.Equal((1u, 25u, 25.0), (sps.NumUnitsInTick, sps.TimeScale, sps.FrameRate));
        Assert.Equal((0, 0, 0, 0), (sps.VideoParameterSetId, sps.SeqParameterSetId, sps.MaxSubLayersMinus1, sps.LayerId));
        Assert.Equal(0x6000_0000u, sps.ProfileTierLevel.CompatibilityFlags); // Main and Main 10 compatible
        Assert.Equal(2, sps.MaxNumReorderPics); // two B-frames
        Assert.Null(sps.MinSpatialSegmentationIdc);
    }

    [Fact]
    public void Parse_reads_the_temporal_layers_of_the_x265_temporal_stream()
    {
        byte[] nal = HevcTestData.NalUnits(HevcTestData.Temporal.Stream).First(n => HevcNalUnitHeader.ReadType(n) == HevcNalUnitType.Sps);

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal(1, sps.MaxSubLayersMinus1);
        Assert.False(sps.TemporalIdNesting);
        Assert.Equal((320, 180), (sps.Width, sps.Height));
    }

    [Theory]
    [InlineData(1, false, 2, 2)] // 4:2:0
    [InlineData(2, false, 2, 1)] // 4:2:2
    [InlineData(3, false, 1, 1)] // 4:4:4
    [InlineData(3, true, 1, 1)] // 4:4:4 as three planes
    [InlineData(0, false, 1, 1)] // monochrome
    public void Parse_crops_the_conformance_window_in_chroma_units(int chromaFormatIdc, bool separatePlanes, int subWidth, int subHeight)
    {
        byte[] nal = new HevcTestSps
        {
            ChromaFormatIdc = chromaFormatIdc,
            SeparateColourPlane = separatePlanes,
            Width = 336,
            Height = 256,
            ConformanceWindow = (1, 2, 3, 4),
        }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal((chromaFormatIdc, separatePlanes), (sps.ChromaFormatIdc, sps.SeparateColourPlane));
        Assert.Equal(336 - (subWidth * 3), sps.Width);
        Assert.Equal(256 - (subHeight * 7), sps.Height);
    }

    [Fact]
    public void Parse_reads_a_10_bit_4_2_2_sps_without_conformance_window()
    {
        byte[] nal = new HevcTestSps { ChromaFormatIdc = 2, BitDepthLuma = 10, BitDepthChroma = 12, ProfileIdc = 4, ConformanceWindow = null }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal((2, 10, 12), (sps.ChromaFormatIdc, sps.BitDepthLuma, sps.BitDepthChroma));
        Assert.Equal((320, 184), (sps.Width, sps.Height));
        Assert.Equal("Rext", sps.ProfileTierLevel.ProfileName);
        Assert.Null(sps.Vui);
        Assert.Null(sps.FrameRate);
        Assert.Equal((1, 1, 2), (sps.SarWidth, sps.SarHeight, sps.ColourPrimaries));
    }

    [Fact]
    public void Parse_reads_a_vui_with_extended_sar_colour_and_ntsc_timing()
    {
        byte[] nal = new HevcTestSps
        {
            Vui = HevcTestSps.VuiWith(aspectRatio: (255, 40, 33), signal: (true, 9, 16, 9), timing: (1001, 60000), defaultDisplayWindow: true),
        }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal((40, 33), (sps.SarWidth, sps.SarHeight));
        Assert.Equal((true, 9, 16, 9), (sps.VideoFullRange, sps.ColourPrimaries, sps.TransferCharacteristics, sps.MatrixCoefficients));
        Assert.Equal((1001u, 60000u), (sps.NumUnitsInTick, sps.TimeScale));
        Assert.Equal(60000.0 / 1001, sps.FrameRate!.Value, 9);
        Assert.True(sps.Vui!.TailRead);
        Assert.Null(sps.MinSpatialSegmentationIdc);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(14, 4, 3)]
    [InlineData(16, 2, 1)]
    [InlineData(0, 0, 0)] // unspecified
    [InlineData(17, 0, 0)] // reserved
    public void Parse_maps_aspect_ratio_idc_without_timing(int idc, int width, int height)
    {
        byte[] nal = new HevcTestSps { Vui = HevcTestSps.VuiWith(aspectRatio: (idc, 0, 0), minSpatialSegmentation: 100) }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal((width, height), (sps.SarWidth, sps.SarHeight));
        Assert.False(sps.HasTimingInfo);
        Assert.Null(sps.FrameRate);
        Assert.Equal(100, sps.MinSpatialSegmentationIdc);
    }

    [Fact]
    public void Parse_reads_through_hrd_parameters_with_inferred_fixed_pic_rate_to_the_bitstream_restriction()
    {
        // Two sub-layers, NAL HRD with sub-picture parameters; sub-layer 0 has fixed_pic_rate_general_flag 1 (so
        // fixed_pic_rate_within_cvs_flag is inferred 1 and elemental_duration_in_tc_minus1 follows, with no
        // low_delay_hrd_flag); sub-layer 1 has 0, 0 then low_delay_hrd_flag 1 (no cpb_cnt_minus1).
        static void Hrd(BitWriter w)
        {
            w.Bit(true).Bit(false).Bit(true) // nal, vcl, sub_pic_hrd_params_present_flag
                .Bits(0, 19).Bits(0x11, 8).Bits(1, 4).Bits(0, 15);
            w.Bit(true).Ue(0).Ue(1) // sub-layer 0: fixed general, elemental duration, cpb_cnt_minus1 1
                .Ue(1000).Ue(2000).Ue(30).Ue(40).Bit(true)
                .Ue(1001).Ue(2001).Ue(31).Ue(41).Bit(false);
            w.Bit(false).Bit(false).Bit(true) // sub-layer 1: not fixed, not fixed in CVS, low delay
                .Ue(5).Ue(6).Ue(7).Ue(8).Bit(true);
        }

        byte[] nal = new HevcTestSps
        {
            MaxSubLayersMinus1 = 1,
            Vui = HevcTestSps.VuiWith(timing: (1, 50), hrd: Hrd, minSpatialSegmentation: 4095),
        }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.True(sps.Vui!.TailRead);
        Assert.Equal(4095, sps.MinSpatialSegmentationIdc);
        Assert.Equal(50.0, sps.FrameRate);
    }

    [Fact]
    public void Parse_keeps_what_it_read_when_the_vui_tail_is_cut()
    {
        static void CutHrd(BitWriter w) => w.Bit(true).Bit(true).Bit(false).Bits(0, 23); // ends inside the sub-layer loop

        var writer = new HevcTestSps { Vui = HevcTestSps.VuiWith(timing: (1, 30), hrd: CutHrd), ExtensionFlags = false }.ToRbsp();
        byte[] nal = writer.ToHevcNalUnit(HevcNalUnitType.Sps);

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.False(sps.Vui!.TailRead);
        Assert.Null(sps.MinSpatialSegmentationIdc);
        Assert.Equal(30.0, sps.FrameRate);
        Assert.Equal((320, 180), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_skips_sub_layer_profile_and_level_parts()
    {
        byte[] nal = new HevcTestSps
        {
            MaxSubLayersMinus1 = 3,
            SubLayers = [(true, true), (false, true), (true, false)],
            Vui = HevcTestSps.VuiWith(timing: (1, 24)),
        }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal(3, sps.MaxSubLayersMinus1);
        Assert.Equal((320, 180, 24.0), (sps.Width, sps.Height, sps.FrameRate));
    }

    [Fact]
    public void Parse_derives_inter_predicted_short_term_reference_picture_sets()
    {
        static void Sets(BitWriter w)
        {
            w.Ue(3);

            // Set 0, explicit: S0 = -1, -3 (both used), S1 = +2 (used).
            w.Ue(2).Ue(1).Ue(0).Bit(true).Ue(1).Bit(true).Ue(1).Bit(true);

            // Set 1 from set 0, deltaRps -1. Entries: S0[0] -1 → -2 (used), S0[1] -3 → -4 (dropped: used 0, use_delta 0),
            // S1[0] +2 → +1 (used), set 0's own picture → -1 (kept: used 0, use_delta 1).
            w.Bit(true).Bit(true).Ue(0);
            w.Bit(true).Bit(false).Bit(false).Bit(true).Bit(false).Bit(true);

            // Set 2 from set 1 (S0 -1, -2; S1 +1), deltaRps +2: -1 → +1, -2 → 0 (never kept), +1 → +3, own → +2.
            w.Bit(true).Bit(false).Ue(1);
            w.Bit(true).Bit(true).Bit(true).Bit(true);
        }

        byte[] nal = new HevcTestSps { ShortTermRefPicSets = Sets, Vui = HevcTestSps.VuiWith(timing: (1, 25)) }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.Equal(3, sps.ShortTermRefPicSets.Count);
        HevcShortTermRefPicSet set0 = sps.ShortTermRefPicSets[0], set1 = sps.ShortTermRefPicSets[1], set2 = sps.ShortTermRefPicSets[2];
        Assert.Equal([-1, -3], set0.DeltaPocS0);
        Assert.Equal([2], set0.DeltaPocS1);
        Assert.Equal([-1, -2], set1.DeltaPocS0);
        Assert.Equal([false, true], set1.UsedByCurrentPictureS0);
        Assert.Equal([1], set1.DeltaPocS1);
        Assert.Equal([true], set1.UsedByCurrentPictureS1);
        Assert.Empty(set2.DeltaPocS0);
        Assert.Equal([1, 2, 3], set2.DeltaPocS1);
        Assert.Equal(3, set2.NumDeltaPocs);
        Assert.Equal(25.0, sps.FrameRate); // the VUI after the sets was reached at the right bit
    }

    [Fact]
    public void Parse_reads_through_scaling_lists_pcm_and_long_term_pictures()
    {
        static void ScalingLists(BitWriter w)
        {
            for (int sizeId = 0; sizeId < 4; sizeId++)
            {
                for (int matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
                {
                    if ((sizeId + matrixId) % 2 == 0)
                    {
                        w.Bit(false).Ue(matrixId == 0 ? 0u : 1u); // copied from the previous (or the default) matrix
                        continue;
                    }

                    w.Bit(true);
                    if (sizeId > 1)
                    {
                        w.Se(8);
                    }

                    for (int i = 0; i < Math.Min(64, 1 << (4 + (sizeId << 1))); i++)
                    {
                        w.Se(i % 2 == 0 ? 3 : -3);
                    }
                }
            }
        }

        byte[] nal = new HevcTestSps
        {
            ScalingListData = ScalingLists,
            Pcm = true,
            LongTermPictures = [5, 200, 17],
            Vui = HevcTestSps.VuiWith(timing: (1, 30), minSpatialSegmentation: 0),
        }.ToNalUnit();

        var sps = HevcSequenceParameterSet.Parse(nal);

        Assert.True(sps.LongTermRefPicsPresent);
        Assert.Equal(30.0, sps.FrameRate);
        Assert.Equal(0, sps.MinSpatialSegmentationIdc);
    }

    [Theory]
    [InlineData("chroma_format_idc")]
    [InlineData("sps_seq_parameter_set_id")]
    [InlineData("bit_depth_luma_minus8")]
    [InlineData("num_short_term_ref_pic_sets")]
    [InlineData("conformance window")]
    [InlineData("num_negative_pics")]
    [InlineData("scaling_list_delta_coef")]
    public void Parse_names_the_out_of_range_field(string field)
    {
        HevcTestSps sps = field switch
        {
            "chroma_format_idc" => new HevcTestSps { ChromaFormatIdc = 4 },
            "sps_seq_parameter_set_id" => new HevcTestSps { SpsId = 16 },
            "bit_depth_luma_minus8" => new HevcTestSps { BitDepthLuma = 17 },
            "num_short_term_ref_pic_sets" => new HevcTestSps { ShortTermRefPicSets = w => w.Ue(65) },
            "conformance window" => new HevcTestSps { ConformanceWindow = (100, 60, 0, 0) },
            "num_negative_pics" => new HevcTestSps { ShortTermRefPicSets = w => w.Ue(1).Ue(17) },
            _ => new HevcTestSps { ScalingListData = w => w.Bit(true).Se(200) },
        };

        var error = Assert.Throws<InvalidDataException>(() => HevcSequenceParameterSet.Parse(sps.ToNalUnit()));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_refuses_other_nal_types_bad_headers_and_multi_layer_extension_syntax()
    {
        byte[] sps = new HevcTestSps().ToNalUnit();
        byte[] pps = [.. sps];
        pps[0] = (byte)((int)HevcNalUnitType.Pps << 1);
        byte[] forbidden = [.. sps];
        forbidden[0] |= 0x80;
        byte[] layered = new BitWriter().Bits(0, 4).Bits(7, 3).Ue(0).Bit(false).ToHevcNalUnit(HevcNalUnitType.Sps, layerId: 1);

        Assert.Contains("not an SPS", Assert.Throws<InvalidDataException>(() => HevcSequenceParameterSet.Parse(pps)).Message, StringComparison.Ordinal);
        Assert.Contains("forbidden_zero_bit", Assert.Throws<InvalidDataException>(() => HevcSequenceParameterSet.Parse(forbidden)).Message, StringComparison.Ordinal);
        Assert.Contains("multi-layer", Assert.Throws<InvalidDataException>(() => HevcSequenceParameterSet.Parse(layered)).Message, StringComparison.Ordinal);
        Assert.False(HevcSequenceParameterSet.TryParse(sps.AsSpan(0, 10), out _));
        Assert.True(HevcSequenceParameterSet.TryParse(sps, out HevcSequenceParameterSet? parsed));
        Assert.Equal(320, parsed.Width);
    }

    [Fact]
    public void Parse_widens_the_dpb_to_the_reordering_as_ffmpeg_does()
    {
        var sps = HevcSequenceParameterSet.Parse(new HevcTestSps { Ordering = (1, 3) }.ToNalUnit());

        Assert.Equal((4, 3), (sps.MaxDecPicBuffering, sps.MaxNumReorderPics));
    }

    [Fact]
    public void Parse_reads_a_base_syntax_sps_of_another_layer()
    {
        var sps = HevcSequenceParameterSet.Parse(new HevcTestSps().ToNalUnit(layerId: 1));

        Assert.Equal((1, 320, 180), (sps.LayerId, sps.Width, sps.Height));
    }

    [Theory]
    [InlineData(93, "3.1")]
    [InlineData(120, "4")]
    [InlineData(186, "6.2")]
    [InlineData(30, "1")]
    public void Level_names_follow_table_a_8(int levelIdc, string name)
    {
        var sps = HevcSequenceParameterSet.Parse(new HevcTestSps { LevelIdc = levelIdc, HighTier = true }.ToNalUnit());

        Assert.Equal(name, sps.ProfileTierLevel.LevelName);
        Assert.True(sps.ProfileTierLevel.HighTier);
    }

    private static void AssertAgreesWithFfprobe(HevcSequenceParameterSet sps, IReadOnlyDictionary<string, string> fields)
    {
        Assert.Equal(int.Parse(fields["width"], CultureInfo.InvariantCulture), sps.Width);
        Assert.Equal(int.Parse(fields["height"], CultureInfo.InvariantCulture), sps.Height);
        Assert.Equal(fields["profile"], sps.ProfileTierLevel.ProfileName);
        Assert.Equal(int.Parse(fields["level"], CultureInfo.InvariantCulture), sps.ProfileTierLevel.LevelIdc);
        Assert.Equal(fields["sample_aspect_ratio"], $"{sps.SarWidth}:{sps.SarHeight}");
        Assert.Equal(fields["pix_fmt"], PixelFormat(sps));
        Assert.Equal(fields["color_range"], sps.VideoFullRange ? "pc" : "tv");
        Assert.Equal(fields["color_primaries"], ColourName(sps.ColourPrimaries, (1, "bt709"), (9, "bt2020")));
        Assert.Equal(fields["color_transfer"], ColourName(sps.TransferCharacteristics, (1, "bt709"), (16, "smpte2084"), (18, "arib-std-b67")));
        Assert.Equal(fields["color_space"], ColourName(sps.MatrixCoefficients, (0, "gbr"), (1, "bt709"), (9, "bt2020nc")));
        string[] rate = fields["r_frame_rate"].Split('/');
        double expected = double.Parse(rate[0], CultureInfo.InvariantCulture) / double.Parse(rate[1], CultureInfo.InvariantCulture);
        Assert.Equal(expected, sps.FrameRate!.Value, 9);
    }

    /// <summary>FFmpeg's pixel format name for the SPS's chroma format and bit depth (GBR when matrix_coeffs is 0).</summary>
    private static string PixelFormat(HevcSequenceParameterSet sps)
    {
        string depth = sps.BitDepthLuma == 8 ? string.Empty : $"{sps.BitDepthLuma}le";
        return sps.ChromaFormatIdc switch
        {
            0 => "gray" + depth,
            3 when sps.MatrixCoefficients == 0 => "gbrp" + depth,
            var chroma => (chroma == 1 ? "yuv420p" : chroma == 2 ? "yuv422p" : "yuv444p") + depth,
        };
    }

    private static string ColourName(int code, params (int Code, string Name)[] names) =>
        names.FirstOrDefault(n => n.Code == code).Name ?? "unknown";
}
