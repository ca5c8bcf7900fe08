using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Uplink.Codecs;

/// <summary>
/// The fields of an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1) that a muxer needs: profile, level,
/// chroma format, bit depth, picture size after cropping, sample aspect ratio and VUI timing.
/// </summary>
public sealed class H264SequenceParameterSet
{
    /// <summary>The largest SPS NAL unit accepted; real ones are a few dozen bytes.</summary>
    internal const int MaxSize = 4096;

    private static readonly (ushort Width, ushort Height)[] AspectRatios =
    [
        (0, 0), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11),
        (80, 33), (18, 11), (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1),
    ];

    private H264SequenceParameterSet()
    {
    }

    /// <summary>profile_idc: 66 Baseline, 77 Main, 88 Extended, 100 High, 110 High 10, 122 High 4:2:2, 244 High 4:4:4 Predictive …</summary>
    public byte ProfileIdc { get; private set; }

    /// <summary>The byte after profile_idc as coded: constraint_set0_flag is bit 7 (0x80), constraint_set5_flag bit 2.</summary>
    public byte ConstraintSetFlags { get; private set; }

    /// <summary>level_idc: ten times the level number (31 = level 3.1; 9 = level 1b).</summary>
    public byte LevelIdc { get; private set; }

    /// <summary>seq_parameter_set_id (0 to 31).</summary>
    public int SeqParameterSetId { get; private set; }

    /// <summary>chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</summary>
    public int ChromaFormatIdc { get; private set; }

    /// <summary>separate_colour_plane_flag (4:4:4 coded as three monochrome planes).</summary>
    public bool SeparateColourPlane { get; private set; }

    /// <summary>Luma bit depth (8 to 14).</summary>
    public int BitDepthLuma { get; private set; }

    /// <summary>Chroma bit depth (8 to 14).</summary>
    public int BitDepthChroma { get; private set; }

    /// <summary>pic_order_cnt_type (0, 1 or 2).</summary>
    public int PicOrderCountType { get; private set; }

    /// <summary>max_num_ref_frames.</summary>
    public int MaxNumRefFrames { get; private set; }

    /// <summary>frame_mbs_only_flag: false when the stream may hold field pictures (interlaced).</summary>
    public bool FrameMbsOnly { get; private set; }

    /// <summary>Picture width in luma samples after frame cropping.</summary>
    public int Width { get; private set; }

    /// <summary>Picture (frame) height in luma samples after frame cropping.</summary>
    public int Height { get; private set; }

    /// <summary>Sample aspect ratio width; 1:1 when the SPS does not signal it, 0:0 when it signals "unspecified".</summary>
    public int SarWidth { get; private set; } = 1;

    /// <summary>Sample aspect ratio height; see <see cref="SarWidth"/>.</summary>
    public int SarHeight { get; private set; } = 1;

    /// <summary>True when the VUI carries timing_info.</summary>
    public bool HasTimingInfo { get; private set; }

    /// <summary>num_units_in_tick of the VUI timing info (0 when absent).</summary>
    public uint NumUnitsInTick { get; private set; }

    /// <summary>time_scale of the VUI timing info (0 when absent).</summary>
    public uint TimeScale { get; private set; }

    /// <summary>fixed_frame_rate_flag of the VUI timing info.</summary>
    public bool FixedFrameRate { get; private set; }

    /// <summary>log2_max_frame_num_minus4 + 4: the width in bits of a slice header's frame_num.</summary>
    public int Log2MaxFrameNum { get; private set; } = 4;

    /// <summary>log2_max_pic_order_cnt_lsb_minus4 + 4 (POC type 0): the width in bits of pic_order_cnt_lsb.</summary>
    public int Log2MaxPicOrderCountLsb { get; private set; } = 4;

    /// <summary>delta_pic_order_always_zero_flag (POC type 1).</summary>
    public bool DeltaPicOrderAlwaysZero { get; private set; }

    /// <summary>offset_for_non_ref_pic (POC type 1).</summary>
    public int OffsetForNonRefPic { get; private set; }

    /// <summary>offset_for_top_to_bottom_field (POC type 1).</summary>
    public int OffsetForTopToBottomField { get; private set; }

    /// <summary>offset_for_ref_frame[i] for each frame of the POC cycle (POC type 1); empty otherwise.</summary>
    public IReadOnlyList<int> OffsetsForRefFrame { get; private set; } = [];

    /// <summary>
    /// max_num_reorder_frames of the VUI bitstream restriction, or null when the VUI does not carry one (or
    /// the VUI's tail after the timing info could not be read).
    /// </summary>
    public int? MaxNumReorderFrames { get; private set; }

    /// <summary>time_scale / (2 × num_units_in_tick) when the VUI carries timing info, else null.</summary>
    public double? FrameRate =>
        HasTimingInfo && NumUnitsInTick != 0 && TimeScale != 0 ? TimeScale / (2.0 * NumUnitsInTick) : null;

    /// <summary>The profile as ffprobe names it: "Baseline", "Constrained Baseline", "Main", "High", "High 10" …</summary>
    public string ProfileName => GetProfileName(ProfileIdc, ConstraintSetFlags);

    /// <summary>The level as written in H.264 table A-1: "1b", "3", "3.1" …</summary>
    public string LevelName => GetLevelName(ProfileIdc, ConstraintSetFlags, LevelIdc);

    /// <summary>Parses an SPS NAL unit, NAL header byte included, emulation prevention bytes still in place.</summary>
    /// <exception cref="InvalidDataException">The NAL unit is not a well-formed SPS.</exception>
    public static H264SequenceParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 4)
        {
            throw new InvalidDataException($"SPS is {nal.Length} bytes, too short (at least 4 needed)");
        }

        if (nal.Length > MaxSize)
        {
            throw new InvalidDataException($"SPS is {nal.Length} bytes; refusing more than {MaxSize}");
        }

        if ((nal[0] & 0x80) != 0)
        {
            throw new InvalidDataException("SPS NAL header at offset 0 has forbidden_zero_bit set");
        }

        int type = nal[0] & 0x1F;
        if (type != (int)H264NalUnitType.Sps)
        {
            throw new InvalidDataException($"NAL unit type {type} at offset 0 is not an SPS (7)");
        }

        Span<byte> rbsp = stackalloc byte[nal.Length - 1];
        int rbspLength = EmulationPrevention.Remove(nal[1..], rbsp);
        return ParseRbsp(rbsp[..rbspLength]);
    }

    /// <summary>Like <see cref="Parse"/>, but returns false instead of throwing on malformed data.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, [NotNullWhen(true)] out H264SequenceParameterSet? sps)
    {
        try
        {
            sps = Parse(nal);
            return true;
        }
        catch (InvalidDataException)
        {
            sps = null;
            return false;
        }
    }

    /// <summary>True for the profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.</summary>
    internal static bool HasChromaFormatFields(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    internal static string GetProfileName(int profileIdc, byte constraintSetFlags)
    {
        bool constraintSet1 = (constraintSetFlags & 0x40) != 0;
        bool constraintSet3 = (constraintSetFlags & 0x10) != 0;
        return profileIdc switch
        {
            66 => constraintSet1 ? "Constrained Baseline" : "Baseline",
            77 => "Main",
            88 => "Extended",
            100 => "High",
            110 => constraintSet3 ? "High 10 Intra" : "High 10",
            122 => constraintSet3 ? "High 4:2:2 Intra" : "High 4:2:2",
            144 => "High 4:4:4",
            244 => constraintSet3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive",
            44 => "CAVLC 4:4:4",
            118 => "Multiview High",
            128 => "Stereo High",
            _ => string.Create(CultureInfo.InvariantCulture, $"profile_idc {profileIdc}"),
        };
    }

    internal static string GetLevelName(int profileIdc, byte constraintSetFlags, int levelIdc)
    {
        bool constraintSet3 = (constraintSetFlags & 0x10) != 0;
        if (levelIdc == 9 || (levelIdc == 11 && constraintSet3 && profileIdc is 66 or 77 or 88))
        {
            return "1b";
        }

        return levelIdc % 10 == 0
            ? (levelIdc / 10).ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{levelIdc / 10}.{levelIdc % 10}");
    }

    private static H264SequenceParameterSet ParseRbsp(ReadOnlySpan<byte> rbsp)
    {
        var reader = new BitstreamReader(rbsp, "SPS");
        byte profileIdc = (byte)reader.ReadBits(8);
        byte constraintSetFlags = (byte)reader.ReadBits(8);
        byte levelIdc = (byte)reader.ReadBits(8);
        int spsId = (int)reader.ReadUnsignedExpGolomb(31, "seq_parameter_set_id");

        int chromaFormatIdc = 1;
        bool separateColourPlane = false;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (HasChromaFormatFields(profileIdc))
        {
            chromaFormatIdc = (int)reader.ReadUnsignedExpGolomb(3, "chroma_format_idc");
            if (chromaFormatIdc == 3)
            {
                separateColourPlane = reader.ReadBit();
            }

            bitDepthLuma = 8 + (int)reader.ReadUnsignedExpGolomb(6, "bit_depth_luma_minus8");
            bitDepthChroma = 8 + (int)reader.ReadUnsignedExpGolomb(6, "bit_depth_chroma_minus8");
            reader.SkipBits(1); // qpprime_y_zero_transform_bypass_flag
            if (reader.ReadBit()) // seq_scaling_matrix_present_flag
            {
                int lists = chromaFormatIdc != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++)
                {
                    if (reader.ReadBit()) // seq_scaling_list_present_flag[i]
                    {
                        SkipScalingList(ref reader, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        int log2MaxFrameNum = 4 + (int)reader.ReadUnsignedExpGolomb(12, "log2_max_frame_num_minus4");
        int pocType = (int)reader.ReadUnsignedExpGolomb(2, "pic_order_cnt_type");
        int log2MaxPocLsb = 4;
        bool deltaPicOrderAlwaysZero = false;
        int offsetForNonRefPic = 0, offsetForTopToBottomField = 0;
        int[] offsetsForRefFrame = [];
        if (pocType == 0)
        {
            log2MaxPocLsb = 4 + (int)reader.ReadUnsignedExpGolomb(12, "log2_max_pic_order_cnt_lsb_minus4");
        }
        else if (pocType == 1)
        {
            deltaPicOrderAlwaysZero = reader.ReadBit();
            offsetForNonRefPic = reader.ReadSignedExpGolomb();
            offsetForTopToBottomField = reader.ReadSignedExpGolomb();
            uint cycle = reader.ReadUnsignedExpGolomb(255, "num_ref_frames_in_pic_order_cnt_cycle");
            offsetsForRefFrame = new int[cycle];
            for (uint i = 0; i < cycle; i++)
            {
                offsetsForRefFrame[i] = reader.ReadSignedExpGolomb();
            }
        }

        int maxNumRefFrames = (int)reader.ReadUnsignedExpGolomb(16, "max_num_ref_frames");
        reader.SkipBits(1); // gaps_in_frame_num_value_allowed_flag
        long widthInMbs = reader.ReadUnsignedExpGolomb(4095, "pic_width_in_mbs_minus1") + 1L;
        long heightInMapUnits = reader.ReadUnsignedExpGolomb(4095, "pic_height_in_map_units_minus1") + 1L;
        bool frameMbsOnly = reader.ReadBit();
        if (!frameMbsOnly)
        {
            reader.SkipBits(1); // mb_adaptive_frame_field_flag
        }

        reader.SkipBits(1); // direct_8x8_inference_flag
        long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        int cropBit = reader.BitPosition;
        if (reader.ReadBit()) // frame_cropping_flag
        {
            cropLeft = reader.ReadUnsignedExpGolomb();
            cropRight = reader.ReadUnsignedExpGolomb();
            cropTop = reader.ReadUnsignedExpGolomb();
            cropBottom = reader.ReadUnsignedExpGolomb();
        }

        int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
        int subWidthC = chromaFormatIdc == 3 ? 1 : 2;
        int subHeightC = chromaFormatIdc == 1 ? 2 : 1;
        int frameHeightFactor = frameMbsOnly ? 1 : 2;
        int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
        int cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * frameHeightFactor;
        long width = (widthInMbs * 16) - (cropUnitX * (cropLeft + cropRight));
        long height = (frameHeightFactor * heightInMapUnits * 16) - (cropUnitY * (cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException(
                $"SPS frame cropping at bit {cropBit} leaves a {width}x{height} picture");
        }

        var sps = new H264SequenceParameterSet
        {
            ProfileIdc = profileIdc,
            ConstraintSetFlags = constraintSetFlags,
            LevelIdc = levelIdc,
            SeqParameterSetId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            SeparateColourPlane = separateColourPlane,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            PicOrderCountType = pocType,
            MaxNumRefFrames = maxNumRefFrames,
            FrameMbsOnly = frameMbsOnly,
            Width = (int)width,
            Height = (int)height,
            Log2MaxFrameNum = log2MaxFrameNum,
            Log2MaxPicOrderCountLsb = log2MaxPocLsb,
            DeltaPicOrderAlwaysZero = deltaPicOrderAlwaysZero,
            OffsetForNonRefPic = offsetForNonRefPic,
            OffsetForTopToBottomField = offsetForTopToBottomField,
            OffsetsForRefFrame = offsetsForRefFrame,
        };

        if (reader.ReadBit()) // vui_parameters_present_flag
        {
            sps.ParseVui(ref reader);
        }

        return sps;
    }

    private void ParseVui(ref BitstreamReader reader)
    {
        int sarWidth = 1, sarHeight = 1;
        if (reader.ReadBit()) // aspect_ratio_info_present_flag
        {
            int idc = (int)reader.ReadBits(8);
            if (idc == 255)
            {
                sarWidth = (int)reader.ReadBits(16);
                sarHeight = (int)reader.ReadBits(16);
            }
            else if (idc < AspectRatios.Length)
            {
                (sarWidth, sarHeight) = AspectRatios[idc];
            }
            else
            {
                (sarWidth, sarHeight) = (0, 0); // reserved: unspecified
            }
        }

        if (reader.ReadBit()) // overscan_info_present_flag
        {
            reader.SkipBits(1); // overscan_appropriate_flag
        }

        if (reader.ReadBit()) // video_signal_type_present_flag
        {
            reader.SkipBits(4); // video_format, video_full_range_flag
            if (reader.ReadBit()) // colour_description_present_flag
            {
                reader.SkipBits(24); // colour_primaries, transfer_characteristics, matrix_coefficients
            }
        }

        if (reader.ReadBit()) // chroma_loc_info_present_flag
        {
            reader.ReadUnsignedExpGolomb(5, "chroma_sample_loc_type_top_field");
            reader.ReadUnsignedExpGolomb(5, "chroma_sample_loc_type_bottom_field");
        }

        SarWidth = sarWidth;
        SarHeight = sarHeight;
        if (reader.ReadBit()) // timing_info_present_flag
        {
            NumUnitsInTick = reader.ReadBits(32);
            TimeScale = reader.ReadBits(32);
            FixedFrameRate = reader.ReadBit();
            HasTimingInfo = true;
        }

        // The rest of the VUI is read only for max_num_reorder_frames; an SPS whose VUI tail is damaged or
        // cut still parses as before, without it.
        try
        {
            MaxNumReorderFrames = ReadMaxNumReorderFrames(ref reader);
        }
        catch (InvalidDataException)
        {
            MaxNumReorderFrames = null;
        }
    }

    private static int? ReadMaxNumReorderFrames(ref BitstreamReader reader)
    {
        bool nalHrd = reader.ReadBit(); // nal_hrd_parameters_present_flag
        if (nalHrd)
        {
            SkipHrdParameters(ref reader);
        }

        bool vclHrd = reader.ReadBit(); // vcl_hrd_parameters_present_flag
        if (vclHrd)
        {
            SkipHrdParameters(ref reader);
        }

        if (nalHrd || vclHrd)
        {
            reader.SkipBits(1); // low_delay_hrd_flag
        }

        reader.SkipBits(1); // pic_struct_present_flag
        if (!reader.ReadBit()) // bitstream_restriction_flag
        {
            return null;
        }

        reader.SkipBits(1); // motion_vectors_over_pic_boundaries_flag
        reader.ReadUnsignedExpGolomb(); // max_bytes_per_pic_denom
        reader.ReadUnsignedExpGolomb(); // max_bits_per_mb_denom
        reader.ReadUnsignedExpGolomb(); // log2_max_mv_length_horizontal
        reader.ReadUnsignedExpGolomb(); // log2_max_mv_length_vertical
        int reorder = (int)reader.ReadUnsignedExpGolomb(16, "max_num_reorder_frames");
        reader.ReadUnsignedExpGolomb(16, "max_dec_frame_buffering");
        return reorder;
    }

    private static void SkipHrdParameters(ref BitstreamReader reader)
    {
        uint cpbCount = reader.ReadUnsignedExpGolomb(31, "cpb_cnt_minus1") + 1;
        reader.SkipBits(8); // bit_rate_scale, cpb_size_scale
        for (uint i = 0; i < cpbCount; i++)
        {
            reader.ReadUnsignedExpGolomb(); // bit_rate_value_minus1
            reader.ReadUnsignedExpGolomb(); // cpb_size_value_minus1
            reader.SkipBits(1); // cbr_flag
        }

        reader.SkipBits(20); // four 5-bit lengths
    }

    private static void SkipScalingList(ref BitstreamReader reader, int size)
    {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size; j++)
        {
            if (nextScale != 0)
            {
                int start = reader.BitPosition;
                int delta = reader.ReadSignedExpGolomb();
                if (delta is < -128 or > 127)
                {
                    throw new InvalidDataException($"SPS scaling list delta_scale {delta} at bit {start} is outside -128..127");
                }

                nextScale = (lastScale + delta + 256) % 256;
            }

            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }
}
