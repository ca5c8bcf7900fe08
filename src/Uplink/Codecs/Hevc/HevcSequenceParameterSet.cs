using System.Diagnostics.CodeAnalysis;

namespace Uplink.Codecs.Hevc;

/// <summary>
/// An HEVC sequence parameter set (ITU-T H.265 7.3.2.2), read through its VUI: profile, tier and level, chroma format,
/// bit depths, picture size after the conformance window, and from the VUI the sample aspect ratio, colour description,
/// timing and what the hvcC needs (min_spatial_segmentation_idc). The extensions after the VUI are not read.
/// </summary>
internal sealed class HevcSequenceParameterSet
{
    /// <summary>The largest SPS NAL unit accepted; real ones are well under a hundred bytes (scaling lists: a few hundred).</summary>
    public const int MaxSize = 4096;

    private HevcSequenceParameterSet()
    {
    }

    /// <summary>nuh_layer_id of the SPS NAL unit.</summary>
    public int LayerId { get; private init; }

    /// <summary>sps_video_parameter_set_id (0 to 15).</summary>
    public int VideoParameterSetId { get; private init; }

    /// <summary>sps_max_sub_layers_minus1 (0 to 6): the highest TemporalId a picture of the sequence may have.</summary>
    public int MaxSubLayersMinus1 { get; private init; }

    /// <summary>sps_temporal_id_nesting_flag.</summary>
    public bool TemporalIdNesting { get; private init; }

    /// <summary>The general profile, tier and level.</summary>
    public HevcProfileTierLevel ProfileTierLevel { get; private init; }

    /// <summary>sps_seq_parameter_set_id (0 to 15).</summary>
    public int SeqParameterSetId { get; private init; }

    /// <summary>chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</summary>
    public int ChromaFormatIdc { get; private init; }

    /// <summary>separate_colour_plane_flag (4:4:4 coded as three monochrome planes).</summary>
    public bool SeparateColourPlane { get; private init; }

    /// <summary>pic_width_in_luma_samples: the coded width, before the conformance window.</summary>
    public int CodedWidth { get; private init; }

    /// <summary>pic_height_in_luma_samples: the coded height, before the conformance window.</summary>
    public int CodedHeight { get; private init; }

    /// <summary>Width in luma samples after the conformance window (what a player displays).</summary>
    public int Width { get; private init; }

    /// <summary>Height in luma samples after the conformance window.</summary>
    public int Height { get; private init; }

    /// <summary>Luma bit depth (8 to 16).</summary>
    public int BitDepthLuma { get; private init; }

    /// <summary>Chroma bit depth (8 to 16).</summary>
    public int BitDepthChroma { get; private init; }

    /// <summary>log2_max_pic_order_cnt_lsb_minus4 + 4: the width in bits of a slice header's slice_pic_order_cnt_lsb.</summary>
    public int Log2MaxPicOrderCountLsb { get; private init; }

    /// <summary>sps_max_dec_pic_buffering_minus1 + 1 of the highest sub-layer: the DPB size the sequence needs.</summary>
    public int MaxDecPicBuffering { get; private init; }

    /// <summary>sps_max_num_reorder_pics of the highest sub-layer: 0 when pictures are output in decoding order.</summary>
    public int MaxNumReorderPics { get; private init; }

    /// <summary>Log2 of the smallest luma coding block (MinCbLog2SizeY, 3 to 6).</summary>
    public int Log2MinCodingBlockSize { get; private init; }

    /// <summary>Log2 of the coding tree block (CtbLog2SizeY, 4 to 6).</summary>
    public int Log2CodingTreeBlockSize { get; private init; }

    /// <summary>The st_ref_pic_set() list of the SPS, which slice headers name by index.</summary>
    public IReadOnlyList<HevcShortTermRefPicSet> ShortTermRefPicSets { get; private init; } = [];

    /// <summary>long_term_ref_pics_present_flag.</summary>
    public bool LongTermRefPicsPresent { get; private init; }

    /// <summary>sps_temporal_mvp_enabled_flag.</summary>
    public bool TemporalMvpEnabled { get; private init; }

    /// <summary>The VUI, or null when the SPS has none.</summary>
    public HevcVideoUsabilityInformation? Vui { get; private init; }

    /// <summary>Sample aspect ratio width; 1:1 without a VUI, 0:0 when the VUI says "unspecified".</summary>
    public int SarWidth => Vui?.SarWidth ?? 1;

    /// <summary>Sample aspect ratio height; see <see cref="SarWidth"/>.</summary>
    public int SarHeight => Vui?.SarHeight ?? 1;

    /// <summary>video_full_range_flag (false without a VUI).</summary>
    public bool VideoFullRange => Vui?.VideoFullRange ?? false;

    /// <summary>colour_primaries (2, unspecified, when not signalled).</summary>
    public int ColourPrimaries => Vui?.ColourPrimaries ?? HevcVideoUsabilityInformation.Unspecified;

    /// <summary>transfer_characteristics (2, unspecified, when not signalled).</summary>
    public int TransferCharacteristics => Vui?.TransferCharacteristics ?? HevcVideoUsabilityInformation.Unspecified;

    /// <summary>matrix_coeffs (2, unspecified, when not signalled).</summary>
    public int MatrixCoefficients => Vui?.MatrixCoefficients ?? HevcVideoUsabilityInformation.Unspecified;

    /// <summary>True when the VUI carries timing info.</summary>
    public bool HasTimingInfo => Vui?.HasTimingInfo ?? false;

    /// <summary>vui_num_units_in_tick (0 when absent).</summary>
    public uint NumUnitsInTick => Vui?.NumUnitsInTick ?? 0;

    /// <summary>vui_time_scale (0 when absent).</summary>
    public uint TimeScale => Vui?.TimeScale ?? 0;

    /// <summary>
    /// time_scale / num_units_in_tick when the VUI carries timing info, else null. In HEVC a clock tick is one picture
    /// (H.264's is a field, hence its factor 2); with field_seq_flag the pictures are fields, so this is the field rate.
    /// </summary>
    public double? FrameRate => HasTimingInfo && NumUnitsInTick != 0 && TimeScale != 0 ? (double)TimeScale / NumUnitsInTick : null;

    /// <summary>min_spatial_segmentation_idc of the VUI bitstream restriction, or null when not signalled.</summary>
    public int? MinSpatialSegmentationIdc => Vui?.MinSpatialSegmentationIdc;

    /// <summary>Parses an SPS NAL unit, 2-byte NAL header included, emulation prevention bytes still in place.</summary>
    /// <exception cref="InvalidDataException">The NAL unit is not a well-formed SPS; the message names the field.</exception>
    public static HevcSequenceParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length > MaxSize)
        {
            throw new InvalidDataException($"SPS is {nal.Length} bytes; refusing more than {MaxSize}");
        }

        HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
        if (header.Type != HevcNalUnitType.Sps)
        {
            throw new InvalidDataException($"NAL unit type {(int)header.Type} is not an SPS (33)");
        }

        Span<byte> rbsp = stackalloc byte[nal.Length - HevcNalUnitHeader.Size];
        int length = EmulationPrevention.Remove(nal[HevcNalUnitHeader.Size..], rbsp);
        var reader = new BitstreamReader(rbsp[..length], "SPS");
        return Read(ref reader, header.LayerId);
    }

    /// <summary>Like <see cref="Parse"/>, but returns false instead of throwing on malformed data.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, [NotNullWhen(true)] out HevcSequenceParameterSet? sps)
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

    /// <summary>SubWidthC and SubHeightC (H.265 table 6-1): the chroma subsampling the conformance window counts in.</summary>
    internal static (int X, int Y) ChromaSubsampling(int chromaFormatIdc, bool separateColourPlane) =>
        separateColourPlane ? (1, 1) : chromaFormatIdc switch { 1 => (2, 2), 2 => (2, 1), _ => (1, 1) };

    private static HevcSequenceParameterSet Read(ref BitstreamReader reader, int layerId)
    {
        int vpsId = (int)reader.ReadBits(4);
        int maxSubLayersMinus1 = (int)reader.ReadBits(3);
        if (layerId != 0 && maxSubLayersMinus1 == 7)
        {
            // MultiLayerExtSpsFlag (F.7.3.2.2.1): the picture format comes from the VPS extension instead.
            throw new InvalidDataException(
                $"SPS of layer {layerId} uses the multi-layer extension syntax (sps_ext_or_max_sub_layers_minus1 7), which is not supported");
        }

        if (maxSubLayersMinus1 > 6)
        {
            throw new InvalidDataException($"SPS sps_max_sub_layers_minus1 is {maxSubLayersMinus1}, more than the allowed 6");
        }

        bool temporalIdNesting = reader.ReadBit();
        var ptl = HevcProfileTierLevel.Read(ref reader, maxSubLayersMinus1);
        int spsId = (int)reader.ReadUnsignedExpGolomb(15, "sps_seq_parameter_set_id");
        int chromaFormatIdc = (int)reader.ReadUnsignedExpGolomb(3, "chroma_format_idc");
        bool separateColourPlane = chromaFormatIdc == 3 && reader.ReadBit();
        int codedWidth = (int)reader.ReadUnsignedExpGolomb(ushort.MaxValue, "pic_width_in_luma_samples");
        int codedHeight = (int)reader.ReadUnsignedExpGolomb(ushort.MaxValue, "pic_height_in_luma_samples");
        if (codedWidth == 0 || codedHeight == 0)
        {
            throw new InvalidDataException($"SPS pic_width/height_in_luma_samples is {codedWidth}x{codedHeight}");
        }

        long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (reader.ReadBit()) // conformance_window_flag
        {
            cropLeft = reader.ReadUnsignedExpGolomb();
            cropRight = reader.ReadUnsignedExpGolomb();
            cropTop = reader.ReadUnsignedExpGolomb();
            cropBottom = reader.ReadUnsignedExpGolomb();
        }

        (int subWidth, int subHeight) = ChromaSubsampling(chromaFormatIdc, separateColourPlane);
        long width = codedWidth - (subWidth * (cropLeft + cropRight));
        long height = codedHeight - (subHeight * (cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException(
                $"SPS conformance window leaves a {width}x{height} picture of the {codedWidth}x{codedHeight} coded one");
        }

        int bitDepthLuma = 8 + (int)reader.ReadUnsignedExpGolomb(8, "bit_depth_luma_minus8");
        int bitDepthChroma = 8 + (int)reader.ReadUnsignedExpGolomb(8, "bit_depth_chroma_minus8");
        int log2MaxPocLsb = 4 + (int)reader.ReadUnsignedExpGolomb(12, "log2_max_pic_order_cnt_lsb_minus4");
        bool orderingInfoForEach = reader.ReadBit(); // sps_sub_layer_ordering_info_present_flag
        int maxDecPicBufferingMinus1 = 0, maxNumReorder = 0;
        for (int i = orderingInfoForEach ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++)
        {
            maxDecPicBufferingMinus1 = (int)reader.ReadUnsignedExpGolomb(15, "sps_max_dec_pic_buffering_minus1");

            // More reordering than buffering is out of range, but FFmpeg plays such streams, widening the buffer.
            maxNumReorder = (int)reader.ReadUnsignedExpGolomb(15, "sps_max_num_reorder_pics");
            maxDecPicBufferingMinus1 = Math.Max(maxDecPicBufferingMinus1, maxNumReorder);
            reader.ReadUnsignedExpGolomb(); // sps_max_latency_increase_plus1
        }

        int log2MinCb = 3 + (int)reader.ReadUnsignedExpGolomb(3, "log2_min_luma_coding_block_size_minus3");
        int log2Ctb = log2MinCb + (int)reader.ReadUnsignedExpGolomb((uint)(6 - log2MinCb), "log2_diff_max_min_luma_coding_block_size");
        if (log2Ctb < 4)
        {
            throw new InvalidDataException($"SPS coding tree block size 2^{log2Ctb} is below the allowed 16");
        }

        int log2MinTb = 2 + (int)reader.ReadUnsignedExpGolomb((uint)(log2MinCb - 3), "log2_min_luma_transform_block_size_minus2");
        reader.ReadUnsignedExpGolomb((uint)(Math.Min(log2Ctb, 5) - log2MinTb), "log2_diff_max_min_luma_transform_block_size");
        reader.ReadUnsignedExpGolomb(); // max_transform_hierarchy_depth_inter
        reader.ReadUnsignedExpGolomb(); // max_transform_hierarchy_depth_intra
        if (reader.ReadBit() && reader.ReadBit()) // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
        {
            SkipScalingListData(ref reader);
        }

        reader.SkipBits(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
        if (reader.ReadBit()) // pcm_enabled_flag
        {
            reader.SkipBits(4 + 4); // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
            reader.ReadUnsignedExpGolomb(3, "log2_min_pcm_luma_coding_block_size_minus3");
            reader.ReadUnsignedExpGolomb(3, "log2_diff_max_min_pcm_luma_coding_block_size");
            reader.SkipBits(1); // pcm_loop_filter_disabled_flag
        }

        int rpsCount = (int)reader.ReadUnsignedExpGolomb(64, "num_short_term_ref_pic_sets");
        var sets = new List<HevcShortTermRefPicSet>(rpsCount);
        for (int i = 0; i < rpsCount; i++)
        {
            sets.Add(HevcShortTermRefPicSet.Read(ref reader, i, rpsCount, sets));
        }

        bool longTerm = reader.ReadBit(); // long_term_ref_pics_present_flag
        if (longTerm)
        {
            int count = (int)reader.ReadUnsignedExpGolomb(32, "num_long_term_ref_pics_sps");
            reader.SkipBits(count * (log2MaxPocLsb + 1)); // lt_ref_pic_poc_lsb_sps[i], used_by_curr_pic_lt_sps_flag[i]
        }

        bool temporalMvp = reader.ReadBit(); // sps_temporal_mvp_enabled_flag
        reader.SkipBits(1); // strong_intra_smoothing_enabled_flag
        HevcVideoUsabilityInformation? vui = reader.ReadBit() // vui_parameters_present_flag
            ? HevcVideoUsabilityInformation.Read(ref reader, maxSubLayersMinus1)
            : null;

        return new HevcSequenceParameterSet
        {
            LayerId = layerId,
            VideoParameterSetId = vpsId,
            MaxSubLayersMinus1 = maxSubLayersMinus1,
            TemporalIdNesting = temporalIdNesting,
            ProfileTierLevel = ptl,
            SeqParameterSetId = spsId,
            ChromaFormatIdc = chromaFormatIdc,
            SeparateColourPlane = separateColourPlane,
            CodedWidth = codedWidth,
            CodedHeight = codedHeight,
            Width = (int)width,
            Height = (int)height,
            BitDepthLuma = bitDepthLuma,
            BitDepthChroma = bitDepthChroma,
            Log2MaxPicOrderCountLsb = log2MaxPocLsb,
            MaxDecPicBuffering = maxDecPicBufferingMinus1 + 1,
            MaxNumReorderPics = maxNumReorder,
            Log2MinCodingBlockSize = log2MinCb,
            Log2CodingTreeBlockSize = log2Ctb,
            ShortTermRefPicSets = sets,
            LongTermRefPicsPresent = longTerm,
            TemporalMvpEnabled = temporalMvp,
            Vui = vui,
        };
    }

    /// <summary>Skips scaling_list_data() (7.3.4): six matrices for each of the 4×4, 8×8 and 16×16 sizes, two for 32×32.</summary>
    private static void SkipScalingListData(ref BitstreamReader reader)
    {
        for (int sizeId = 0; sizeId < 4; sizeId++)
        {
            for (int matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (!reader.ReadBit()) // scaling_list_pred_mode_flag: copied from another matrix
                {
                    reader.ReadUnsignedExpGolomb((uint)(sizeId == 3 ? matrixId / 3 : matrixId), "scaling_list_pred_matrix_id_delta");
                    continue;
                }

                int coefficients = Math.Min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1)
                {
                    ReadSignedInRange(ref reader, -7, 247, "scaling_list_dc_coef_minus8");
                }

                for (int i = 0; i < coefficients; i++)
                {
                    ReadSignedInRange(ref reader, -128, 127, "scaling_list_delta_coef");
                }
            }
        }
    }

    private static void ReadSignedInRange(ref BitstreamReader reader, int min, int max, string field)
    {
        int start = reader.BitPosition;
        int value = reader.ReadSignedExpGolomb();
        if (value < min || value > max)
        {
            throw new InvalidDataException($"SPS {field} is {value} at bit {start}, outside {min}..{max}");
        }
    }
}
