using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class H264SequenceParameterSetTests
{
    public static TheoryData<string> SpsCaseNames => CodecTestData.SpsCaseNames();

    [Theory]
    [MemberData(nameof(SpsCaseNames))]
    public void Parse_agrees_with_ffprobe_on_x264_streams(string name)
    {
        SpsCase c = CodecTestData.SpsCases[name];

        var sps = H264SequenceParameterSet.Parse(c.Sps);

        Assert.Equal(c.Width, sps.Width);
        Assert.Equal(c.Height, sps.Height);
        Assert.Equal(c.Profile, sps.ProfileName);
        Assert.Equal(c.Level, sps.LevelIdc);
        Assert.Equal(c.Level % 10 == 0 ? $"{c.Level / 10}" : $"{c.Level / 10}.{c.Level % 10}", sps.LevelName);
        Assert.NotNull(sps.FrameRate);
        Assert.Equal(c.FrameRate, sps.FrameRate.Value, 9);
        Assert.Equal(c.SampleAspectRatio, $"{sps.SarWidth}:{sps.SarHeight}");
    }

    [Fact]
    public void Parse_reads_chroma_format_bit_depth_and_field_coding_of_the_ffmpeg_cases()
    {
        var high10 = H264SequenceParameterSet.Parse(CodecTestData.SpsCases["high10-320x240"].Sps);
        var high422 = H264SequenceParameterSet.Parse(CodecTestData.SpsCases["high422-322x242"].Sps);
        var high444 = H264SequenceParameterSet.Parse(CodecTestData.SpsCases["high444-170x130"].Sps);
        var interlaced = H264SequenceParameterSet.Parse(CodecTestData.SpsCases["high-1920x1080-interlaced"].Sps);
        var baseline = H264SequenceParameterSet.Parse(CodecTestData.SpsCases["baseline-176x144"].Sps);

        Assert.Equal((110, 1, 10, 10), (high10.ProfileIdc, high10.ChromaFormatIdc, high10.BitDepthLuma, high10.BitDepthChroma));
        Assert.Equal((122, 2, 8), (high422.ProfileIdc, high422.ChromaFormatIdc, high422.BitDepthLuma));
        Assert.Equal((244, 3), (high444.ProfileIdc, high444.ChromaFormatIdc));
        Assert.False(interlaced.FrameMbsOnly);
        Assert.True(baseline.FrameMbsOnly);
        Assert.Equal(2, baseline.PicOrderCountType);
        Assert.Equal(0xC0, baseline.ConstraintSetFlags);
        Assert.Equal((1, 1), (baseline.SarWidth, baseline.SarHeight));
        Assert.Equal((50u, 1u), (baseline.TimeScale, baseline.NumUnitsInTick));
    }

    [Fact]
    public void Parse_handles_pic_order_cnt_type_1_with_a_cycle_of_offsets()
    {
        byte[] nal = Baseline(w => w.Ue(1).Bit(false).Se(-2).Se(3).Ue(3).Se(1).Se(-1).Se(7))
            .ToNalUnit(0x67);

        var sps = H264SequenceParameterSet.Parse(nal);

        Assert.Equal(1, sps.PicOrderCountType);
        Assert.Equal((176, 144), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_reads_extended_sample_aspect_ratio_and_ntsc_timing()
    {
        byte[] nal = Baseline(PocType0, vui: w => w
            .Bit(true).Bits(255, 8).Bits(40, 16).Bits(33, 16) // aspect_ratio_idc = Extended_SAR
            .Bit(false).Bit(false).Bit(false)
            .Bit(true).Bits(1001, 32).Bits(60000, 32).Bit(true))
            .ToNalUnit(0x67);

        var sps = H264SequenceParameterSet.Parse(nal);

        Assert.Equal((40, 33), (sps.SarWidth, sps.SarHeight));
        Assert.Equal((1001u, 60000u, true), (sps.NumUnitsInTick, sps.TimeScale, sps.FixedFrameRate));
        Assert.Equal(30000.0 / 1001, sps.FrameRate!.Value, 9);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 12, 11)]
    [InlineData(14, 4, 3)]
    [InlineData(16, 2, 1)]
    [InlineData(0, 0, 0)]
    [InlineData(200, 0, 0)]
    public void Parse_maps_aspect_ratio_idc_to_the_table(int idc, int sarWidth, int sarHeight)
    {
        byte[] nal = Baseline(PocType0, vui: w => w.Bit(true).Bits((uint)idc, 8).Bit(false).Bit(false).Bit(false).Bit(false))
            .ToNalUnit(0x67);

        var sps = H264SequenceParameterSet.Parse(nal);

        Assert.Equal((sarWidth, sarHeight), (sps.SarWidth, sps.SarHeight));
        Assert.Null(sps.FrameRate);
    }

    [Fact]
    public void Emulation_prevention_bytes_are_removed_before_the_fields_are_read()
    {
        // num_units_in_tick = 1 and time_scale = 0x30000 put long zero runs in the RBSP.
        byte[] nal = Baseline(PocType0, vui: w => w
            .Bit(false).Bit(false).Bit(false).Bit(false)
            .Bit(true).Bits(1, 32).Bits(0x30000, 32).Bit(false))
            .ToNalUnit(0x67);
        Assert.True(nal.AsSpan().IndexOf(new byte[] { 0, 0, 3 }) > 0, "the test SPS should need emulation prevention");

        var sps = H264SequenceParameterSet.Parse(nal);

        Assert.Equal((1u, 0x30000u), (sps.NumUnitsInTick, sps.TimeScale));
    }

    [Theory]
    [InlineData(66, 0x10, 11, "1b")]
    [InlineData(77, 0x10, 11, "1b")]
    [InlineData(100, 0x10, 11, "1.1")]
    [InlineData(100, 0x00, 9, "1b")]
    [InlineData(66, 0x00, 11, "1.1")]
    [InlineData(100, 0x00, 40, "4")]
    [InlineData(100, 0x00, 52, "5.2")]
    public void LevelName_follows_table_A_1(int profile, int constraints, int level, string expected) =>
        Assert.Equal(expected, H264SequenceParameterSet.GetLevelName(profile, (byte)constraints, level));

    [Theory]
    [InlineData(66, 0x00, "Baseline")]
    [InlineData(66, 0x40, "Constrained Baseline")]
    [InlineData(77, 0x00, "Main")]
    [InlineData(88, 0x00, "Extended")]
    [InlineData(100, 0x00, "High")]
    [InlineData(110, 0x00, "High 10")]
    [InlineData(110, 0x10, "High 10 Intra")]
    [InlineData(122, 0x00, "High 4:2:2")]
    [InlineData(244, 0x00, "High 4:4:4 Predictive")]
    [InlineData(44, 0x00, "CAVLC 4:4:4")]
    [InlineData(99, 0x00, "profile_idc 99")]
    public void ProfileName_matches_ffprobe(int profile, int constraints, string expected) =>
        Assert.Equal(expected, H264SequenceParameterSet.GetProfileName(profile, (byte)constraints));

    [Fact]
    public void Parse_skips_4_4_4_scaling_lists_including_an_early_zero_scale()
    {
        var w = new BitWriter().Bits(244, 8).Bits(0, 8).Bits(30, 8).Ue(0)
            .Ue(3).Bit(false).Ue(0).Ue(0).Bit(false) // 4:4:4, no separate planes, 8 bit
            .Bit(true); // seq_scaling_matrix_present_flag: 12 lists
        for (int i = 0; i < 12; i++)
        {
            bool present = i is 0 or 6 or 11;
            w.Bit(present);
            if (present)
            {
                int size = i < 6 ? 16 : 64;
                if (i == 6)
                {
                    w.Se(-8); // nextScale becomes 0 at once: the rest of the list is not coded
                }
                else
                {
                    for (int j = 0; j < size; j++)
                    {
                        w.Se(j % 2 == 0 ? 5 : -3);
                    }
                }
            }
        }

        w.Ue(0).Ue(2).Ue(1).Bit(false).Ue(9).Ue(8).Bit(true).Bit(true) // frame_num, poc 2, refs, 160x144
            .Bit(true).Ue(3).Ue(2).Ue(1).Ue(0).Bit(false); // crop 3+2 columns, 1 row (units of 1 for 4:4:4)

        var sps = H264SequenceParameterSet.Parse(w.ToNalUnit(0x67));

        Assert.Equal((155, 143), (sps.Width, sps.Height));
        Assert.Equal(3, sps.ChromaFormatIdc);
    }

    [Fact]
    public void Cropping_of_field_coded_4_2_0_counts_in_units_of_four_rows()
    {
        byte[] nal = new BitWriter().Bits(77, 8).Bits(0, 8).Bits(40, 8).Ue(0)
            .Ue(0).Ue(0).Ue(0).Ue(4).Bit(false) // frame_num, poc 0, lsb, refs, gaps
            .Ue(119).Ue(33).Bit(false).Bit(true).Bit(true) // 1920 wide, 34 map units x 32 rows = 1088, field coding
            .Bit(true).Ue(0).Ue(0).Ue(0).Ue(2).Bit(false) // crop 2 units bottom = 8 rows
            .ToNalUnit(0x67);

        var sps = H264SequenceParameterSet.Parse(nal);

        Assert.Equal((1920, 1080), (sps.Width, sps.Height));
    }

    [Fact]
    public void Parse_refuses_a_nal_unit_that_is_not_an_sps()
    {
        var e = Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(CodecTestData.SpsCases["baseline-176x144"].Pps));
        Assert.Equal("NAL unit type 8 at offset 0 is not an SPS (7)", e.Message);
    }

    [Fact]
    public void Parse_refuses_forbidden_zero_bit()
    {
        byte[] sps = [.. CodecTestData.SpsCases["baseline-176x144"].Sps];
        sps[0] |= 0x80;

        Assert.Contains("forbidden_zero_bit", Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(sps)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_cropping_larger_than_the_picture()
    {
        byte[] nal = Baseline(PocType0, crop: (0, 0, 0, 100)).ToNalUnit(0x67);

        var e = Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(nal));
        Assert.Contains("frame cropping", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_an_sps_larger_than_4_KB()
    {
        byte[] nal = new byte[4097];
        nal[0] = 0x67;

        Assert.Contains("refusing", Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(nal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_an_exp_golomb_code_longer_than_32_bits()
    {
        byte[] nal = [0x67, 66, 0, 30, 0, 0, 0, 0, 0, 0x80];

        Assert.Contains("Exp-Golomb", Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(nal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_real_sps_parses_or_throws_InvalidDataException()
    {
        foreach (SpsCase c in CodecTestData.SpsCases.Values)
        {
            for (int length = 0; length < c.Sps.Length; length++)
            {
                bool parsed = H264SequenceParameterSet.TryParse(c.Sps.AsSpan(0, length), out var sps);
                Assert.Equal(parsed, sps is not null);
            }
        }

        Assert.Throws<InvalidDataException>(() => H264SequenceParameterSet.Parse(CodecTestData.SpsCases["high-1280x720-bframes"].Sps.AsSpan(0, 8)));
    }

    [Fact]
    public void Random_and_bit_flipped_input_only_ever_throws_InvalidDataException()
    {
        var random = new Random(20261124);
        SpsCase[] cases = [.. CodecTestData.SpsCases.Values];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] nal;
            if (i % 2 == 0)
            {
                nal = new byte[random.Next(0, 64)];
                random.NextBytes(nal);
                if (nal.Length > 0)
                {
                    nal[0] = 0x67;
                }
            }
            else
            {
                nal = [.. cases[random.Next(cases.Length)].Sps];
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    int bit = random.Next(8, nal.Length * 8);
                    nal[bit / 8] ^= (byte)(1 << (bit % 8));
                }
            }

            try
            {
                var sps = H264SequenceParameterSet.Parse(nal);
                Assert.True(sps.Width > 0 && sps.Height > 0);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static void PocType0(BitWriter w) => w.Ue(0).Ue(0);

    /// <summary>A Baseline level-3 SPS of 176x144: the caller writes pic_order_cnt_type and what follows it.</summary>
    private static BitWriter Baseline(
        Action<BitWriter> pictureOrderCount, (uint Left, uint Right, uint Top, uint Bottom)? crop = null, Action<BitWriter>? vui = null)
    {
        var w = new BitWriter().Bits(66, 8).Bits(0xC0, 8).Bits(30, 8).Ue(0).Ue(0);
        pictureOrderCount(w);
        w.Ue(1).Bit(false).Ue(10).Ue(8).Bit(true).Bit(true);
        w.Bit(crop is not null);
        if (crop is { } c)
        {
            w.Ue(c.Left).Ue(c.Right).Ue(c.Top).Ue(c.Bottom);
        }

        w.Bit(vui is not null);
        vui?.Invoke(w);
        return w;
    }
}
