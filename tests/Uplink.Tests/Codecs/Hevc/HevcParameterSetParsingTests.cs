using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

/// <summary>The VPS and PPS parsers, on x265's parameter sets and hand-made ones.</summary>
public class HevcParameterSetParsingTests
{
    [Fact]
    public void Vps_of_the_x265_cases_states_the_sps_profile_and_sub_layers()
    {
        foreach (HevcParamCase c in HevcTestData.Params.Values)
        {
            var vps = HevcVideoParameterSet.Parse(c.Vps);
            var sps = HevcSequenceParameterSet.Parse(c.Sps);

            Assert.Equal(sps.ProfileTierLevel, vps.ProfileTierLevel);
            Assert.Equal(sps.MaxSubLayersMinus1, vps.MaxSubLayersMinus1);
            Assert.Equal((0, 0), (vps.VideoParameterSetId, vps.MaxLayersMinus1));
        }

        Assert.Equal(1, HevcVideoParameterSet.Parse(HevcTestData.Params["main-hrd-wpp"].Vps).MaxSubLayersMinus1);
    }

    [Fact]
    public void Pps_of_the_x265_cases_uses_wavefronts()
    {
        foreach (HevcParamCase c in HevcTestData.Params.Values)
        {
            var pps = HevcPictureParameterSet.Parse(c.Pps);

            Assert.Equal((0, 0, false, true, 3), (pps.PicParameterSetId, pps.SeqParameterSetId, pps.TilesEnabled, pps.EntropyCodingSyncEnabled, pps.ParallelismType));
        }
    }

    [Theory]
    [InlineData(false, false, 1)]
    [InlineData(true, false, 2)]
    [InlineData(false, true, 3)]
    [InlineData(true, true, 0)]
    public void Pps_parallelism_type_comes_from_tiles_and_wavefronts(bool tiles, bool wavefronts, int parallelismType)
    {
        byte[] nal = new BitWriter()
            .Ue(63).Ue(15).Bits(0, 7).Ue(14).Ue(0).Se(-26).Bits(0, 2)
            .Bit(true).Ue(3) // cu_qp_delta_enabled_flag, diff_cu_qp_delta_depth
            .Se(-12).Se(12).Bits(0, 4).Bit(tiles).Bit(wavefronts)
            .ToHevcNalUnit(HevcNalUnitType.Pps);

        var pps = HevcPictureParameterSet.Parse(nal);

        Assert.Equal((63, 15, parallelismType), (pps.PicParameterSetId, pps.SeqParameterSetId, pps.ParallelismType));
    }

    [Fact]
    public void Vps_reads_a_profile_tier_level_with_sub_layer_parts()
    {
        byte[] nal = new BitWriter()
            .Bits(3, 4).Bits(3, 2).Bits(0, 6).Bits(2, 3).Bit(false).Bits(0xFFFF, 16)
            .ProfileTierLevel(2, profileIdc: 2, highTier: true, levelIdc: 153, subLayers: [(true, true), (false, true)])
            .ToHevcNalUnit(HevcNalUnitType.Vps);

        var vps = HevcVideoParameterSet.Parse(nal);

        Assert.Equal((3, 2, false), (vps.VideoParameterSetId, vps.MaxSubLayersMinus1, vps.TemporalIdNesting));
        Assert.Equal((2, true, 153, "5.1"), (vps.ProfileTierLevel.ProfileIdc, vps.ProfileTierLevel.HighTier, vps.ProfileTierLevel.LevelIdc, vps.ProfileTierLevel.LevelName));
    }

    [Fact]
    public void Vps_and_pps_refuse_truncation_and_other_types_naming_the_field()
    {
        byte[] vps = HevcTestData.Params["rext-gbrp"].Vps;
        byte[] pps = HevcTestData.Params["rext-gbrp"].Pps;

        Assert.Contains("not a VPS", Assert.Throws<InvalidDataException>(() => HevcVideoParameterSet.Parse(pps)).Message, StringComparison.Ordinal);
        Assert.Contains("not a PPS", Assert.Throws<InvalidDataException>(() => HevcPictureParameterSet.Parse(vps)).Message, StringComparison.Ordinal);
        Assert.Contains("VPS ends early", Assert.Throws<InvalidDataException>(() => HevcVideoParameterSet.Parse(vps.AsSpan(0, 12))).Message, StringComparison.Ordinal);
        Assert.Contains("PPS ends early", Assert.Throws<InvalidDataException>(() => HevcPictureParameterSet.Parse(pps.AsSpan(0, 4))).Message, StringComparison.Ordinal);
        byte[] badId = new BitWriter().Ue(64).ToHevcNalUnit(HevcNalUnitType.Pps);
        Assert.Contains("pps_pic_parameter_set_id", Assert.Throws<InvalidDataException>(() => HevcPictureParameterSet.Parse(badId)).Message, StringComparison.Ordinal);
    }
}
