using Uplink.Codecs.Av1;
using static Uplink.Tests.Codecs.Av1.Av1TestBitstream;

namespace Uplink.Tests.Codecs.Av1;

public class Av1SequenceHeaderTests
{
    public static TheoryData<string> CaseNames => Av1TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_reads_what_ffprobe_reports(string name)
    {
        Av1Case c = Av1TestData.Cases[name];

        Av1SequenceHeader header = Av1SequenceHeader.Parse(FirstSequenceHeaderPayload(c));

        Assert.Equal(c.Profile, header.ProfileName);
        Assert.Equal(c.Level, header.SeqLevelIdx);
        Assert.Equal((c.Width, c.Height), (header.MaxFrameWidth, header.MaxFrameHeight));
        (int depth, bool mono, bool x, bool y) = PixelFormat(c.PixelFormat);
        Av1ColorConfig color = header.ColorConfig;
        Assert.Equal(depth, header.BitDepth);
        Assert.Equal((mono, x, y), (color.MonoChrome, color.SubsamplingX, color.SubsamplingY));
        Assert.Equal(c.ColorRange == "pc", color.FullRange);
        Assert.Equal(Iso(c.ColorPrimaries), color.ColorPrimaries);
        Assert.Equal(Iso(c.ColorTransfer), color.TransferCharacteristics);
        Assert.Equal(Iso(c.ColorSpace), color.MatrixCoefficients);
        Assert.False(header.ReducedStillPictureHeader);
        Assert.Equal(header.SeqLevelIdx, header.SeqLevelIdxs[0]);
    }

    [Fact]
    public void Parse_reads_libaoms_timing_info_and_decoder_model()
    {
        Av1SequenceHeader header = Av1SequenceHeader.Parse(FirstSequenceHeaderPayload(Av1TestData.Cases["aom-main-timing"]));

        Assert.True(header.TimingInfoPresent);
        Assert.True(header.DecoderModelInfoPresent);
        Assert.False(header.EqualPictureInterval);
        Assert.Null(header.FrameRate);
        Assert.Equal(25.0, header.DisplayTickRate);
        Assert.Equal((1u, 25u), (header.NumUnitsInDisplayTick, header.TimeScale));
        Assert.Equal(header.OperatingPointIdc.Count, header.DecoderModelPresentForOp.Count);
    }

    [Fact]
    public void Parse_reads_every_field_of_a_header_with_every_option()
    {
        var fields = new Av1SequenceHeaderFields
        {
            Profile = 2,
            TimingInfo = true,
            EqualPictureInterval = true,
            NumTicksPerPictureMinus1 = 1,
            DecoderModelInfo = true,
            InitialDisplayDelayPresent = true,
            OperatingPoints = [(0x301, 13, 1, true, 4), (0x101, 9, 0, false, null), (0x103, 5, 0, true, 10)],
            FrameWidthBits = 16,
            FrameHeightBits = 12,
            MaxFrameWidth = 3840,
            MaxFrameHeight = 2160,
            FrameIds = true,
            Use128x128Superblock = true,
            OrderHintBits = 8,
            ForceScreenContentTools = 1,
            ForceIntegerMv = 0,
            EnableSuperres = true,
            HighBitdepth = true,
            TwelveBit = true,
            SubsamplingX = true,
            SubsamplingY = true,
            ChromaSamplePosition = 2,
            ColorDescription = true,
            Primaries = 9,
            Transfer = 16,
            Matrix = 9,
            FullRange = true,
            SeparateUvDeltaQ = true,
            FilmGrain = true,
        };

        Av1SequenceHeader h = Av1SequenceHeader.Parse(SequenceHeader(fields));

        Assert.Equal((2, "Professional", 12), (h.SeqProfile, h.ProfileName, h.BitDepth));
        Assert.True(h.TimingInfoPresent && h.EqualPictureInterval && h.DecoderModelInfoPresent && h.InitialDisplayDelayPresent);
        Assert.Equal((1001u, 30000u, 2UL), (h.NumUnitsInDisplayTick, h.TimeScale, h.NumTicksPerPicture));
        Assert.Equal(30000 / 2002.0, h.FrameRate);
        Assert.Equal((10, 6, 9), (h.BufferDelayLength, h.BufferRemovalTimeLength, h.FramePresentationTimeLength));
        Assert.Equal(new[] { 0x301, 0x101, 0x103 }, h.OperatingPointIdc);
        Assert.Equal(new[] { 13, 9, 5 }, h.SeqLevelIdxs);
        Assert.Equal(new[] { 1, 0, 0 }, h.SeqTiers);
        Assert.Equal(new[] { true, false, true }, h.DecoderModelPresentForOp);
        Assert.Equal((13, 1, "5.1", 4), (h.SeqLevelIdx, h.SeqTier, h.LevelName, h.InitialDisplayDelay));
        Assert.Equal((16, 12, 3840, 2160), (h.FrameWidthBits, h.FrameHeightBits, h.MaxFrameWidth, h.MaxFrameHeight));
        Assert.Equal((true, 14, 7), (h.FrameIdNumbersPresent, h.DeltaFrameIdLength, h.AdditionalFrameIdLength));
        Assert.True(h.Use128x128Superblock && h.EnableOrderHint && h.EnableSuperres && h.FilmGrainParamsPresent);
        Assert.Equal((8, 1, 0), (h.OrderHintBits, h.SeqForceScreenContentTools, h.SeqForceIntegerMv));
        Av1ColorConfig color = h.ColorConfig;
        Assert.True(color.HighBitdepth && color.TwelveBit && color.ColorDescriptionPresent && color.FullRange && color.SeparateUvDeltaQ);
        Assert.Equal((9, 16, 9), (color.ColorPrimaries, color.TransferCharacteristics, color.MatrixCoefficients));
        Assert.Equal((false, true, true, 2), (color.MonoChrome, color.SubsamplingX, color.SubsamplingY, color.ChromaSamplePosition));
    }

    [Theory]
    [InlineData(0, false, false, false, true, true, 8)] // Main 8-bit 4:2:0
    [InlineData(0, true, false, false, true, true, 10)] // Main 10-bit 4:2:0
    [InlineData(1, false, false, false, false, false, 8)] // High 8-bit 4:4:4
    [InlineData(1, true, false, false, false, false, 10)] // High 10-bit 4:4:4
    [InlineData(2, false, false, false, true, false, 8)] // Professional 8-bit 4:2:2
    [InlineData(2, true, false, false, true, false, 10)] // Professional 10-bit 4:2:2
    [InlineData(2, true, true, false, false, false, 12)] // Professional 12-bit 4:4:4
    [InlineData(2, true, true, false, true, false, 12)] // Professional 12-bit 4:2:2
    [InlineData(2, true, true, false, true, true, 12)] // Professional 12-bit 4:2:0
    [InlineData(0, false, false, true, true, true, 8)] // Main 8-bit monochrome
    [InlineData(2, true, true, true, true, true, 12)] // Professional 12-bit monochrome
    public void Parse_derives_bit_depth_and_subsampling_as_color_config_codes_them(
        int profile, bool high, bool twelve, bool mono, bool x, bool y, int depth)
    {
        var fields = new Av1SequenceHeaderFields
        {
            Profile = profile, HighBitdepth = high, TwelveBit = twelve, Mono = mono, SubsamplingX = x, SubsamplingY = y,
            ChromaSamplePosition = 1, FullRange = true,
        };

        Av1ColorConfig color = Av1SequenceHeader.Parse(SequenceHeader(fields)).ColorConfig;

        Assert.Equal((depth, mono, x, y), (color.BitDepth, color.MonoChrome, color.SubsamplingX, color.SubsamplingY));
        Assert.Equal(x && y && !mono ? 1 : 0, color.ChromaSamplePosition);
        Assert.True(color.FullRange);
        Assert.Equal((2, 2, 2), (color.ColorPrimaries, color.TransferCharacteristics, color.MatrixCoefficients));
    }

    [Fact]
    public void Parse_reads_srgb_as_full_range_444_without_coding_them()
    {
        var fields = new Av1SequenceHeaderFields { Profile = 1, ColorDescription = true, Primaries = 1, Transfer = 13, Matrix = 0 };

        Av1ColorConfig color = Av1SequenceHeader.Parse(SequenceHeader(fields)).ColorConfig;

        Assert.Equal((true, false, false), (color.FullRange, color.SubsamplingX, color.SubsamplingY));
    }

    [Fact]
    public void Parse_reads_a_reduced_still_picture_header()
    {
        var fields = new Av1SequenceHeaderFields
        {
            StillPicture = true, ReducedStillPictureHeader = true, OperatingPoints = [(0, 12, 0, false, null)],
            MaxFrameWidth = 640, MaxFrameHeight = 480, EnableOrderHint = false,
        };

        Av1SequenceHeader h = Av1SequenceHeader.Parse(SequenceHeader(fields));

        Assert.True(h.StillPicture && h.ReducedStillPictureHeader);
        Assert.Equal((12, 0, 640, 480), (h.SeqLevelIdx, h.SeqTier, h.MaxFrameWidth, h.MaxFrameHeight));
        Assert.Equal((Av1SequenceHeader.Select, Av1SequenceHeader.Select, 0), (h.SeqForceScreenContentTools, h.SeqForceIntegerMv, h.OrderHintBits));
        Assert.False(h.TimingInfoPresent || h.FrameIdNumbersPresent);
    }

    [Fact]
    public void Parse_reads_the_largest_uvlc_tick_count()
    {
        var fields = new Av1SequenceHeaderFields { TimingInfo = true, EqualPictureInterval = true, NumTicksPerPictureMinus1 = uint.MaxValue - 1 };

        Assert.Equal((ulong)uint.MaxValue, Av1SequenceHeader.Parse(SequenceHeader(fields)).NumTicksPerPicture);
    }

    [Fact]
    public void Parse_refuses_reserved_profiles_and_broken_trailing_bits()
    {
        byte[] good = SequenceHeader(new Av1SequenceHeaderFields());

        Assert.Equal(
            "AV1 sequence header seq_profile at bit 0 is 3, a reserved value",
            Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse([(byte)(0x60 | good[0]), .. good[1..]])).Message);
        Assert.Equal(
            "AV1 sequence header is empty",
            Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse([])).Message);
        Assert.StartsWith(
            "AV1 sequence header of 12 bytes has data after its trailing bits at bit",
            Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse([.. good, 1])).Message);
        byte[] noTrailingBit = [.. good];
        noTrailingBit[^1] &= (byte)(noTrailingBit[^1] - 1); // clears the lowest set bit: the trailing one
        Assert.StartsWith(
            "AV1 sequence header of 11 bytes has no trailing one bit at bit",
            Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse(noTrailingBit)).Message);
        Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse(new byte[Av1SequenceHeader.MaxSize + 1]));
    }

    [Fact]
    public void Parse_refuses_a_reduced_header_without_still_picture()
    {
        byte[] payload = SequenceHeader(new Av1SequenceHeaderFields { StillPicture = true, ReducedStillPictureHeader = true });
        payload[0] &= 0xEF; // still_picture

        Assert.Equal(
            "AV1 sequence header has reduced_still_picture_header without still_picture",
            Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse(payload)).Message);
    }

    [Fact]
    public void Every_truncation_of_real_headers_throws_InvalidDataException()
    {
        foreach (Av1Case c in Av1TestData.Cases.Values)
        {
            byte[] payload = FirstSequenceHeaderPayload(c);
            for (int length = 0; length < payload.Length; length++)
            {
                Assert.Throws<InvalidDataException>(() => Av1SequenceHeader.Parse(payload.AsSpan(0, length)));
            }
        }
    }

    internal static byte[] FirstSequenceHeaderPayload(Av1Case c)
    {
        foreach (Av1Obu obu in new Av1ObuEnumerator(c.TemporalUnits[0]))
        {
            if (obu.Type == Av1ObuType.SequenceHeader)
            {
                return obu.Payload.ToArray();
            }
        }

        throw new InvalidOperationException($"{c.Name} has no sequence header in its first temporal unit");
    }

    /// <summary>Bit depth, monochrome and subsampling of an ffmpeg pixel format name.</summary>
    internal static (int Depth, bool Mono, bool X, bool Y) PixelFormat(string name) => name switch
    {
        "gray" => (8, true, true, true),
        "yuv420p" => (8, false, true, true),
        "yuv420p10le" => (10, false, true, true),
        "yuv420p12le" => (12, false, true, true),
        "yuv422p" => (8, false, true, false),
        "yuv422p10le" => (10, false, true, false),
        "yuv444p" or "gbrp" => (8, false, false, false),
        "yuv444p12le" => (12, false, false, false),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The ISO/IEC 23091-4 value of an ffprobe colour name.</summary>
    internal static int Iso(string name) => name switch
    {
        "gbr" => 0,
        "bt709" => 1,
        "unknown" => 2,
        "iec61966-2-1" => 13,
        _ => throw new ArgumentException(name),
    };
}
