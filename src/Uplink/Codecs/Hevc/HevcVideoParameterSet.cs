namespace Uplink.Codecs.Hevc;

/// <summary>
/// The start of an HEVC video parameter set (ITU-T H.265 7.3.2.1), up to its profile_tier_level: what the hvcC takes
/// from it (numTemporalLayers and the general profile, tier and level, which the VPS states too).
/// </summary>
/// <param name="VideoParameterSetId">vps_video_parameter_set_id (0 to 15).</param>
/// <param name="MaxLayersMinus1">vps_max_layers_minus1 (0 for a single-layer stream).</param>
/// <param name="MaxSubLayersMinus1">vps_max_sub_layers_minus1 (0 to 6).</param>
/// <param name="TemporalIdNesting">vps_temporal_id_nesting_flag.</param>
/// <param name="ProfileTierLevel">The general profile, tier and level.</param>
internal sealed record HevcVideoParameterSet(
    int VideoParameterSetId, int MaxLayersMinus1, int MaxSubLayersMinus1, bool TemporalIdNesting, HevcProfileTierLevel ProfileTierLevel)
{
    /// <summary>
    /// The NAL bytes enough for the fields above: 4 bytes, then a profile_tier_level of at most 6 sub-layers (12 + 2 + 6 × 12
    /// bytes), with room for an emulation prevention byte every two bytes, after the header.
    /// </summary>
    private const int HeaderBytes = HevcNalUnitHeader.Size + ((4 + 12 + 2 + (6 * 12)) * 3 / 2);

    /// <summary>Parses a VPS NAL unit, 2-byte NAL header included, emulation prevention bytes still in place.</summary>
    /// <exception cref="InvalidDataException">The NAL unit is not a VPS or ends early; the message names the field.</exception>
    public static HevcVideoParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
        if (header.Type != HevcNalUnitType.Vps)
        {
            throw new InvalidDataException($"NAL unit type {(int)header.Type} is not a VPS (32)");
        }

        ReadOnlySpan<byte> head = nal[HevcNalUnitHeader.Size..Math.Min(nal.Length, HeaderBytes)];
        Span<byte> rbsp = stackalloc byte[HeaderBytes];
        int length = EmulationPrevention.Remove(head, rbsp);
        var reader = new BitstreamReader(rbsp[..length], "VPS");
        int vpsId = (int)reader.ReadBits(4);
        reader.SkipBits(2); // vps_base_layer_internal_flag, vps_base_layer_available_flag
        int maxLayersMinus1 = (int)reader.ReadBits(6);
        int maxSubLayersMinus1 = (int)reader.ReadBits(3);
        if (maxSubLayersMinus1 > 6)
        {
            throw new InvalidDataException($"VPS vps_max_sub_layers_minus1 is {maxSubLayersMinus1}, more than the allowed 6");
        }

        bool nesting = reader.ReadBit();
        reader.SkipBits(16); // vps_reserved_0xffff_16bits
        var ptl = HevcProfileTierLevel.Read(ref reader, maxSubLayersMinus1);
        return new HevcVideoParameterSet(vpsId, maxLayersMinus1, maxSubLayersMinus1, nesting, ptl);
    }
}
