using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

public class HevcDecoderConfigurationRecordTests
{
    public static TheoryData<string> StreamNames => HevcTestData.StreamNames();

    public static TheoryData<string> ParamNames => HevcTestData.ParamNames();

    [Theory]
    [MemberData(nameof(StreamNames))]
    public void Build_from_the_first_access_unit_is_ffmpegs_hvcC_byte_for_byte(string name)
    {
        HevcStreamCase c = HevcTestData.Streams[name];
        byte[] firstAccessUnit = c.AccessUnits[0].Data;
        List<ReadOnlyMemory<byte>> headers = [.. HevcTestData.NalUnits(firstAccessUnit)
            .Where(n => HevcNalUnitHeader.ReadType(n) is HevcNalUnitType.Vps or HevcNalUnitType.Sps or HevcNalUnitType.Pps or HevcNalUnitType.PrefixSei)
            .Select(n => (ReadOnlyMemory<byte>)n)];

        byte[] hev1 = HevcDecoderConfigurationRecord.Build(headers, parameterSetArraysComplete: false, nalLengthSize: 4);
        byte[] hvc1 = HevcDecoderConfigurationRecord.Build(headers, parameterSetArraysComplete: true, nalLengthSize: 4);

        Assert.Equal(Convert.ToHexString(c.Hev1Record), Convert.ToHexString(hev1));
        Assert.Equal(Convert.ToHexString(c.Hvc1Record), Convert.ToHexString(hvc1));
    }

    [Fact]
    public void The_main_streams_record_holds_x265s_version_sei_in_a_fourth_array()
    {
        var record = HevcDecoderConfigurationRecord.Parse(HevcTestData.Main.Hev1Record);

        Assert.Equal(
            [HevcNalUnitType.Vps, HevcNalUnitType.Sps, HevcNalUnitType.Pps, HevcNalUnitType.PrefixSei],
            record.Arrays.Select(a => a.NalUnitType));
        Assert.True(record.Arrays[3].NalUnits[0].AsSpan().IndexOf("x265 (build"u8) > 0);
        Assert.All(record.Arrays, a => Assert.False(a.ArrayCompleteness));
        Assert.Equal([true, true, true, false], HevcDecoderConfigurationRecord.Parse(HevcTestData.Main.Hvc1Record).Arrays.Select(a => a.ArrayCompleteness));
    }

    [Theory]
    [MemberData(nameof(ParamNames))]
    public void Build_from_x265_parameter_sets_is_ffmpegs_hvcC_but_for_ffmpegs_hrd_misreading(string name)
    {
        HevcParamCase c = HevcTestData.Params[name];
        var ffmpeg = HevcDecoderConfigurationRecord.Parse(c.FfmpegRecord);
        List<ReadOnlyMemory<byte>> nals = [c.Vps, c.Sps, c.Pps];
        nals.AddRange(ffmpeg.Arrays.Where(a => a.NalUnitType == HevcNalUnitType.PrefixSei).SelectMany(a => a.NalUnits).Select(n => (ReadOnlyMemory<byte>)n));

        byte[] built = HevcDecoderConfigurationRecord.Build(nals, parameterSetArraysComplete: false, nalLengthSize: 4);

        byte[] expected = [.. c.FfmpegRecord];
        if (name == "main-hrd-wpp")
        {
            // FFmpeg's hvcC writer (libavformat/hevc.c, skip_hrd_parameters) does not infer fixed_pic_rate_within_cvs_flag
            // = 1 when fixed_pic_rate_general_flag is 1, so it reads x265's HRD one bit off and takes garbage for a
            // bitstream restriction: min_spatial_segmentation_idc 2, parallelismType 3. The SPS has no bitstream
            // restriction (FFmpeg's own trace_headers agrees), so the record says 0, "unspecified", for both.
            Assert.Equal((2, 3), (ffmpeg.MinSpatialSegmentationIdc, ffmpeg.ParallelismType));
            expected[14] = 0x00;
            expected[15] = 0xFC;
        }

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(built));
    }

    [Fact]
    public void Parse_reads_the_fields_ffmpeg_wrote()
    {
        var record = HevcDecoderConfigurationRecord.Parse(HevcTestData.Params["main10-hdr"].FfmpegRecord);

        Assert.Equal((2, true, 123), (record.ProfileTierLevel.ProfileIdc, record.ProfileTierLevel.HighTier, record.ProfileTierLevel.LevelIdc));
        Assert.Equal(0x2000_0000u, record.ProfileTierLevel.CompatibilityFlags);
        Assert.Equal((1, 10, 10), (record.ChromaFormat, record.BitDepthLuma, record.BitDepthChroma));
        Assert.Equal((0, 0, 0, 0), (record.MinSpatialSegmentationIdc, record.ParallelismType, record.AverageFrameRate, record.ConstantFrameRate));
        Assert.Equal((1, true, 4), (record.NumTemporalLayers, record.TemporalIdNested, record.NalLengthSize));
        Assert.Single(record.VideoParameterSets);
        Assert.Equal(HevcTestData.Params["main10-hdr"].Sps, Assert.Single(record.SequenceParameterSets));
        Assert.Single(record.PictureParameterSets);

        var temporal = HevcDecoderConfigurationRecord.Parse(HevcTestData.Temporal.Hev1Record);
        Assert.Equal((2, false), (temporal.NumTemporalLayers, temporal.TemporalIdNested));
    }

    [Fact]
    public void Build_takes_any_order_and_length_size_and_parse_reads_it_back()
    {
        HevcParamCase c = HevcTestData.Params["main422-10-322x242"];

        byte[] built = HevcDecoderConfigurationRecord.Build([c.Pps, c.Sps, c.Vps], parameterSetArraysComplete: true, nalLengthSize: 2);
        var record = HevcDecoderConfigurationRecord.Parse(built);

        Assert.Equal(2, record.NalLengthSize);
        Assert.Equal([HevcNalUnitType.Vps, HevcNalUnitType.Sps, HevcNalUnitType.Pps], record.Arrays.Select(a => a.NalUnitType));
        Assert.All(record.Arrays, a => Assert.True(a.ArrayCompleteness));
        Assert.Equal((2, 10, 10), (record.ChromaFormat, record.BitDepthLuma, record.BitDepthChroma));
        Assert.Equal(c.Vps, record.VideoParameterSets[0]);
        Assert.Equal(c.Pps, record.PictureParameterSets[0]);
        Assert.Equal(HevcDecoderConfigurationRecord.Build(c.Vps, c.Sps, c.Pps)[23..], HevcDecoderConfigurationRecord.Build([c.Vps, c.Sps, c.Pps], false, 4)[23..]);
    }

    [Fact]
    public void Build_merges_profile_tier_level_and_takes_the_lowest_segmentation_as_ffmpeg_does()
    {
        // Two SPSs: Main level 3.1 with min_spatial_segmentation_idc 200, then Main 10 high tier level 3 with 100,
        // three sub-layers. The higher tier brings its own level; profile_idc is the highest; the compatibility flags
        // those both set.
        HevcParamCase c = HevcTestData.Params["main-hrd-wpp"];
        byte[] first = new HevcTestSps { Vui = HevcTestSps.VuiWith(minSpatialSegmentation: 200) }.ToNalUnit();
        byte[] second = new HevcTestSps
        {
            SpsId = 1, ProfileIdc = 2, HighTier = true, LevelIdc = 90, MaxSubLayersMinus1 = 2, BitDepthLuma = 10, BitDepthChroma = 10,
            Vui = HevcTestSps.VuiWith(minSpatialSegmentation: 100),
        }.ToNalUnit();

        var record = HevcDecoderConfigurationRecord.Parse(HevcDecoderConfigurationRecord.Build([c.Vps, first, second, c.Pps], false, 4));

        Assert.Equal((2, true, 90), (record.ProfileTierLevel.ProfileIdc, record.ProfileTierLevel.HighTier, record.ProfileTierLevel.LevelIdc));
        Assert.Equal(0x6000_0000u, record.ProfileTierLevel.CompatibilityFlags);
        Assert.Equal((100, 3), (record.MinSpatialSegmentationIdc, record.ParallelismType));
        Assert.Equal((3, true, 10), (record.NumTemporalLayers, record.TemporalIdNested, record.BitDepthLuma));
        Assert.Equal(2, record.SequenceParameterSets.Count);
    }

    [Fact]
    public void Build_leaves_out_other_layers_and_refuses_missing_or_foreign_nal_units()
    {
        HevcParamCase c = HevcTestData.Params["rext-gbrp"];
        byte[] layerOneSps = new HevcTestSps().ToNalUnit(layerId: 1);
        byte[] slice = HevcSyntaxWriter.Nal(HevcNalUnitType.TrailR);

        Assert.Equal(c.FfmpegRecord, HevcDecoderConfigurationRecord.Build([c.Vps, c.Sps, layerOneSps, c.Pps], false, 4));
        Assert.Contains("1 to 16 VPS", Assert.Throws<ArgumentException>(() => HevcDecoderConfigurationRecord.Build([c.Sps, c.Pps], false, 4)).Message, StringComparison.Ordinal);
        Assert.Contains("type 1 is not", Assert.Throws<ArgumentException>(() => HevcDecoderConfigurationRecord.Build([c.Vps, c.Sps, c.Pps, slice], false, 4)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HevcDecoderConfigurationRecord.Build([c.Vps, c.Sps, c.Pps, new byte[1]], false, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => HevcDecoderConfigurationRecord.Build([c.Vps, c.Sps, c.Pps], false, 3));
        Assert.Throws<InvalidDataException>(() => HevcDecoderConfigurationRecord.Build(c.Vps, c.Sps.AsSpan(0, 8), c.Pps));
    }

    [Fact]
    public void Parse_refuses_malformed_records_naming_the_field_and_offset()
    {
        byte[] good = HevcTestData.Temporal.Hev1Record;

        Assert.Contains("too short", Parse(good[..22]), StringComparison.Ordinal);
        Assert.Contains("configurationVersion at offset 0 is 0", Parse([0, .. good[1..]]), StringComparison.Ordinal);
        byte[] threeByteLengths = [.. good];
        threeByteLengths[21] = (byte)((threeByteLengths[21] & 0xFC) | 2);
        Assert.Contains("lengthSizeMinusOne at offset 21", Parse(threeByteLengths), StringComparison.Ordinal);
        Assert.Contains("inside the header of NAL unit array 1 of 3", Parse(good[..24]), StringComparison.Ordinal);
        Assert.Contains("numNalus", Parse([.. good[..23], 0x20, 0xFF, 0xFF]), StringComparison.Ordinal);
        Assert.Contains("nalUnitLength", Parse(good[..40]), StringComparison.Ordinal);
        byte[] wrongType = [.. good];
        wrongType[23] = 0x21; // the VPS array claims to hold SPSs
        Assert.Contains("has type 32, but its array's NAL_unit_type is 33", Parse(wrongType), StringComparison.Ordinal);
        byte[] moreArrays = [.. good];
        moreArrays[22] = 4;
        Assert.Contains("inside the header of NAL unit array 4 of 4", Parse(moreArrays), StringComparison.Ordinal);

        static string Parse(byte[] data) => Assert.Throws<InvalidDataException>(() => HevcDecoderConfigurationRecord.Parse(data)).Message;
    }
}
