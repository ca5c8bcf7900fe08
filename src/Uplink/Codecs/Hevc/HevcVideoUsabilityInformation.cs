namespace Uplink.Codecs.Hevc;

/// <summary>
/// The fields of an SPS's vui_parameters() (ITU-T H.265 E.2.1) that a muxer or player needs: sample aspect ratio,
/// colour description, timing and the bitstream restriction's min_spatial_segmentation_idc (for the hvcC).
/// </summary>
internal sealed class HevcVideoUsabilityInformation
{
    /// <summary>Colour description code 2: unspecified (the value when the VUI does not signal one).</summary>
    public const int Unspecified = 2;

    private static readonly (ushort Width, ushort Height)[] AspectRatios =
    [
        (0, 0), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11),
        (80, 33), (18, 11), (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1),
    ];

    private HevcVideoUsabilityInformation()
    {
    }

    /// <summary>Sample aspect ratio width: 1:1 when not signalled, 0:0 for "unspecified" or a reserved aspect_ratio_idc.</summary>
    public int SarWidth { get; private set; } = 1;

    /// <summary>Sample aspect ratio height; see <see cref="SarWidth"/>.</summary>
    public int SarHeight { get; private set; } = 1;

    /// <summary>video_format (5, unspecified, when not signalled).</summary>
    public int VideoFormat { get; private set; } = 5;

    /// <summary>video_full_range_flag: full-range (0–255 for 8 bits) rather than limited-range samples.</summary>
    public bool VideoFullRange { get; private set; }

    /// <summary>colour_primaries (H.273): 1 BT.709, 9 BT.2020 …; 2 when not signalled.</summary>
    public int ColourPrimaries { get; private set; } = Unspecified;

    /// <summary>transfer_characteristics (H.273): 1 BT.709, 16 PQ, 18 HLG …; 2 when not signalled.</summary>
    public int TransferCharacteristics { get; private set; } = Unspecified;

    /// <summary>matrix_coeffs (H.273): 0 identity (GBR), 1 BT.709, 9 BT.2020 non-constant …; 2 when not signalled.</summary>
    public int MatrixCoefficients { get; private set; } = Unspecified;

    /// <summary>field_seq_flag: each picture is a field.</summary>
    public bool FieldSequence { get; private set; }

    /// <summary>True when the VUI carries timing info.</summary>
    public bool HasTimingInfo { get; private set; }

    /// <summary>vui_num_units_in_tick (0 when absent).</summary>
    public uint NumUnitsInTick { get; private set; }

    /// <summary>vui_time_scale (0 when absent).</summary>
    public uint TimeScale { get; private set; }

    /// <summary>
    /// min_spatial_segmentation_idc of the bitstream restriction (0 to 4095); null when the VUI has no bitstream
    /// restriction or its tail (HRD parameters, restriction) could not be read.
    /// </summary>
    public int? MinSpatialSegmentationIdc { get; private set; }

    /// <summary>False when the tail after the timing info was damaged or cut and so not read.</summary>
    public bool TailRead { get; private set; }

    /// <summary>Reads vui_parameters() for an SPS with <paramref name="maxSubLayersMinus1"/> + 1 sub-layers.</summary>
    /// <exception cref="InvalidDataException">The VUI ends or is out of range before the end of its timing info.</exception>
    public static HevcVideoUsabilityInformation Read(ref BitstreamReader reader, int maxSubLayersMinus1)
    {
        var vui = new HevcVideoUsabilityInformation();
        if (reader.ReadBit()) // aspect_ratio_info_present_flag
        {
            int idc = (int)reader.ReadBits(8);
            if (idc == 255) // EXTENDED_SAR
            {
                vui.SarWidth = (int)reader.ReadBits(16);
                vui.SarHeight = (int)reader.ReadBits(16);
            }
            else
            {
                (vui.SarWidth, vui.SarHeight) = idc < AspectRatios.Length ? AspectRatios[idc] : ((ushort)0, (ushort)0);
            }
        }

        if (reader.ReadBit()) // overscan_info_present_flag
        {
            reader.SkipBits(1); // overscan_appropriate_flag
        }

        if (reader.ReadBit()) // video_signal_type_present_flag
        {
            vui.VideoFormat = (int)reader.ReadBits(3);
            vui.VideoFullRange = reader.ReadBit();
            if (reader.ReadBit()) // colour_description_present_flag
            {
                vui.ColourPrimaries = (int)reader.ReadBits(8);
                vui.TransferCharacteristics = (int)reader.ReadBits(8);
                vui.MatrixCoefficients = (int)reader.ReadBits(8);
            }
        }

        if (reader.ReadBit()) // chroma_loc_info_present_flag
        {
            reader.ReadUnsignedExpGolomb(5, "chroma_sample_loc_type_top_field");
            reader.ReadUnsignedExpGolomb(5, "chroma_sample_loc_type_bottom_field");
        }

        reader.SkipBits(1); // neutral_chroma_indication_flag
        vui.FieldSequence = reader.ReadBit();
        reader.SkipBits(1); // frame_field_info_present_flag
        if (reader.ReadBit()) // default_display_window_flag
        {
            reader.ReadUnsignedExpGolomb(); // def_disp_win_left_offset
            reader.ReadUnsignedExpGolomb(); // def_disp_win_right_offset
            reader.ReadUnsignedExpGolomb(); // def_disp_win_top_offset
            reader.ReadUnsignedExpGolomb(); // def_disp_win_bottom_offset
        }

        bool hrd = false;
        if (reader.ReadBit()) // vui_timing_info_present_flag
        {
            vui.NumUnitsInTick = reader.ReadBits(32);
            vui.TimeScale = reader.ReadBits(32);
            vui.HasTimingInfo = true;
            if (reader.ReadBit()) // vui_poc_proportional_to_timing_flag
            {
                reader.ReadUnsignedExpGolomb(); // vui_num_ticks_poc_diff_one_minus1
            }

            hrd = reader.ReadBit(); // vui_hrd_parameters_present_flag
        }

        // The rest is read only for min_spatial_segmentation_idc; as for H.264, an SPS whose VUI tail is damaged or
        // cut still parses, without it (the hvcC then says 0, "unspecified", which is always allowed).
        try
        {
            vui.MinSpatialSegmentationIdc = ReadTail(ref reader, hrd, maxSubLayersMinus1);
            vui.TailRead = true;
        }
        catch (InvalidDataException)
        {
            vui.MinSpatialSegmentationIdc = null;
        }

        return vui;
    }

    private static int? ReadTail(ref BitstreamReader reader, bool hrd, int maxSubLayersMinus1)
    {
        if (hrd)
        {
            HevcHrdParameters.Skip(ref reader, commonInfoPresent: true, maxSubLayersMinus1);
        }

        if (!reader.ReadBit()) // bitstream_restriction_flag
        {
            return null;
        }

        // tiles_fixed_structure_flag, motion_vectors_over_pic_boundaries_flag, restricted_ref_pic_lists_flag
        reader.SkipBits(3);
        int minSpatialSegmentation = (int)reader.ReadUnsignedExpGolomb(4095, "min_spatial_segmentation_idc");
        reader.ReadUnsignedExpGolomb(16, "max_bytes_per_pic_denom");
        reader.ReadUnsignedExpGolomb(16, "max_bits_per_min_cu_denom");
        reader.ReadUnsignedExpGolomb(15, "log2_max_mv_length_horizontal");
        reader.ReadUnsignedExpGolomb(15, "log2_max_mv_length_vertical");
        return minSpatialSegmentation;
    }
}
