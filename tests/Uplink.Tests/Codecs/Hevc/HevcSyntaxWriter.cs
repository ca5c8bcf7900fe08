using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

/// <summary>Hand-made HEVC NAL units for the tests, written with <see cref="BitWriter"/>.</summary>
internal static class HevcSyntaxWriter
{
    /// <summary>The RBSP in <paramref name="writer"/> as a NAL unit with a 2-byte header, stop bit and emulation prevention.</summary>
    public static byte[] ToHevcNalUnit(this BitWriter writer, HevcNalUnitType type, int layerId = 0, int temporalId = 0)
    {
        // BitWriter writes a 1-byte header; the second header byte is never zero (nuh_temporal_id_plus1 > 0), so
        // inserting it leaves the emulation prevention of the payload as BitWriter made it.
        byte[] nal = writer.ToNalUnit((byte)(((int)type << 1) | (layerId >> 5)));
        return [nal[0], (byte)(((layerId & 0x1F) << 3) | (temporalId + 1)), .. nal[1..]];
    }

    /// <summary>A NAL unit of the given type with a few payload bytes (for slices, delimiters and such).</summary>
    public static byte[] Nal(HevcNalUnitType type, int temporalId = 0, int layerId = 0, int payload = 4) =>
        [(byte)(((int)type << 1) | (layerId >> 5)), (byte)(((layerId & 0x1F) << 3) | (temporalId + 1)), .. Enumerable.Repeat((byte)0xA5, payload)];

    /// <summary>profile_tier_level(1, maxSubLayersMinus1) with the given general fields and no sub-layer parts.</summary>
    public static BitWriter ProfileTierLevel(this BitWriter w, int maxSubLayersMinus1, int profileIdc = 1, bool highTier = false, int levelIdc = 93,
        uint compatibility = 0x6000_0000, ulong constraints = 0x9000_0000_0000, (bool Profile, bool Level)[]? subLayers = null)
    {
        w.Bits(0, 2).Bit(highTier).Bits((uint)profileIdc, 5).Bits(compatibility, 32)
            .Bits((uint)(constraints >> 32), 16).Bits((uint)constraints, 32).Bits((uint)levelIdc, 8);
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            (bool profile, bool level) = subLayers?[i] ?? (false, false);
            w.Bit(profile).Bit(level);
        }

        if (maxSubLayersMinus1 > 0)
        {
            w.Bits(0, 2 * (8 - maxSubLayersMinus1));
        }

        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            (bool profile, bool level) = subLayers?[i] ?? (false, false);
            if (profile)
            {
                w.Bits(0, 2).Bit(false).Bits(1, 5).Bits(0x6000_0000, 32).Bits(0x9000, 16).Bits(0, 32); // 88 bits
            }

            if (level)
            {
                w.Bits(90, 8);
            }
        }

        return w;
    }
}

/// <summary>
/// The fields of a hand-made SPS; <see cref="ToNalUnit"/> writes it. Defaults: 4:2:0 8-bit Main 320x184 cropped to
/// 320x180, one sub-layer, CTB 64, no scaling lists, no reference picture sets, no VUI.
/// </summary>
internal sealed record HevcTestSps
{
    public int VpsId { get; init; }

    public int MaxSubLayersMinus1 { get; init; }

    public (bool Profile, bool Level)[]? SubLayers { get; init; }

    public int ProfileIdc { get; init; } = 1;

    public bool HighTier { get; init; }

    public int LevelIdc { get; init; } = 93;

    public int SpsId { get; init; }

    public int ChromaFormatIdc { get; init; } = 1;

    public bool SeparateColourPlane { get; init; }

    public int Width { get; init; } = 320;

    public int Height { get; init; } = 184;

    public (uint Left, uint Right, uint Top, uint Bottom)? ConformanceWindow { get; init; } = (0, 0, 0, 2);

    public int BitDepthLuma { get; init; } = 8;

    public int BitDepthChroma { get; init; } = 8;

    public int Log2MaxPocLsb { get; init; } = 8;

    /// <summary>sps_max_dec_pic_buffering_minus1 and sps_max_num_reorder_pics of every sub-layer.</summary>
    public (uint DecPicBufferingMinus1, uint NumReorderPics) Ordering { get; init; } = (4, 2);

    /// <summary>Writes scaling_list_data() after the enabled and present flags; null: scaling lists off.</summary>
    public Action<BitWriter>? ScalingListData { get; init; }

    public bool Pcm { get; init; }

    /// <summary>Writes num_short_term_ref_pic_sets and the sets; null: none.</summary>
    public Action<BitWriter>? ShortTermRefPicSets { get; init; }

    /// <summary>lt_ref_pic_poc_lsb_sps of each long-term picture; null: long_term_ref_pics_present_flag 0.</summary>
    public uint[]? LongTermPictures { get; init; }

    /// <summary>Writes vui_parameters(); null: vui_parameters_present_flag 0.</summary>
    public Action<BitWriter>? Vui { get; init; }

    /// <summary>Bits written after the VUI (extension flags), so that the RBSP does not end at the VUI.</summary>
    public bool ExtensionFlags { get; init; } = true;

    public byte[] ToNalUnit(int layerId = 0) => ToRbsp().ToHevcNalUnit(HevcNalUnitType.Sps, layerId);

    public BitWriter ToRbsp()
    {
        var w = new BitWriter().Bits((uint)VpsId, 4).Bits((uint)MaxSubLayersMinus1, 3).Bit(true)
            .ProfileTierLevel(MaxSubLayersMinus1, ProfileIdc, HighTier, LevelIdc, subLayers: SubLayers)
            .Ue((uint)SpsId).Ue((uint)ChromaFormatIdc);
        if (ChromaFormatIdc == 3)
        {
            w.Bit(SeparateColourPlane);
        }

        w.Ue((uint)Width).Ue((uint)Height).Bit(ConformanceWindow is not null);
        if (ConformanceWindow is var (left, right, top, bottom))
        {
            w.Ue(left).Ue(right).Ue(top).Ue(bottom);
        }

        w.Ue((uint)(BitDepthLuma - 8)).Ue((uint)(BitDepthChroma - 8)).Ue((uint)(Log2MaxPocLsb - 4));
        w.Bit(true); // sps_sub_layer_ordering_info_present_flag
        for (int i = 0; i <= MaxSubLayersMinus1; i++)
        {
            w.Ue(Ordering.DecPicBufferingMinus1).Ue(Ordering.NumReorderPics).Ue(0); // and max_latency_increase_plus1
        }

        w.Ue(0).Ue(3).Ue(0).Ue(3).Ue(1).Ue(1); // CB 8..64, TB 4..32, hierarchy depths 1
        w.Bit(ScalingListData is not null);
        if (ScalingListData is not null)
        {
            w.Bit(true);
            ScalingListData(w);
        }

        w.Bit(false).Bit(true).Bit(Pcm); // amp, sao, pcm
        if (Pcm)
        {
            w.Bits(7, 4).Bits(7, 4).Ue(0).Ue(1).Bit(false);
        }

        if (ShortTermRefPicSets is null)
        {
            w.Ue(0);
        }
        else
        {
            ShortTermRefPicSets(w);
        }

        w.Bit(LongTermPictures is not null);
        if (LongTermPictures is not null)
        {
            w.Ue((uint)LongTermPictures.Length);
            foreach (uint lsb in LongTermPictures)
            {
                w.Bits(lsb, Log2MaxPocLsb).Bit(true);
            }
        }

        w.Bit(true).Bit(true).Bit(Vui is not null); // temporal mvp, strong intra smoothing, vui
        Vui?.Invoke(w);
        if (ExtensionFlags)
        {
            w.Bit(false); // sps_extension_present_flag
        }

        return w;
    }

    /// <summary>
    /// vui_parameters() with the given parts; every other flag 0. <paramref name="hrd"/> writes hrd_parameters() (after
    /// vui_hrd_parameters_present_flag 1, so it needs <paramref name="timing"/>).
    /// </summary>
    public static Action<BitWriter> VuiWith(
        (int Idc, int Width, int Height)? aspectRatio = null,
        (bool FullRange, int Primaries, int Transfer, int Matrix)? signal = null,
        (uint NumUnitsInTick, uint TimeScale)? timing = null,
        Action<BitWriter>? hrd = null,
        int? minSpatialSegmentation = null,
        bool defaultDisplayWindow = false) => w =>
    {
        w.Bit(aspectRatio is not null);
        if (aspectRatio is var (idc, sarWidth, sarHeight))
        {
            w.Bits((uint)idc, 8);
            if (idc == 255)
            {
                w.Bits((uint)sarWidth, 16).Bits((uint)sarHeight, 16);
            }
        }

        w.Bit(false); // overscan_info_present_flag
        w.Bit(signal is not null);
        if (signal is var (fullRange, primaries, transfer, matrix))
        {
            w.Bits(5, 3).Bit(fullRange).Bit(true).Bits((uint)primaries, 8).Bits((uint)transfer, 8).Bits((uint)matrix, 8);
        }

        w.Bit(true).Ue(1).Ue(1); // chroma_loc_info_present_flag with both types 1
        w.Bit(false).Bit(false).Bit(false); // neutral chroma, field_seq, frame_field_info
        w.Bit(defaultDisplayWindow);
        if (defaultDisplayWindow)
        {
            w.Ue(8).Ue(8).Ue(0).Ue(0);
        }

        w.Bit(timing is not null);
        if (timing is var (tick, scale))
        {
            w.Bits(tick, 32).Bits(scale, 32).Bit(true).Ue(0); // poc proportional, num_ticks_poc_diff_one_minus1
            w.Bit(hrd is not null);
            hrd?.Invoke(w);
        }

        w.Bit(minSpatialSegmentation is not null);
        if (minSpatialSegmentation is int segmentation)
        {
            w.Bit(false).Bit(true).Bit(true).Ue((uint)segmentation).Ue(2).Ue(1).Ue(15).Ue(15);
        }
    };
}
