namespace Uplink.Codecs.Hevc;

/// <summary>
/// The start of an HEVC picture parameter set (ITU-T H.265 7.3.2.3.1), up to entropy_coding_sync_enabled_flag: its ids,
/// and the tools that make the hvcC's parallelismType.
/// </summary>
/// <param name="PicParameterSetId">pps_pic_parameter_set_id (0 to 63).</param>
/// <param name="SeqParameterSetId">pps_seq_parameter_set_id of the SPS it refers to (0 to 15).</param>
/// <param name="TilesEnabled">tiles_enabled_flag.</param>
/// <param name="EntropyCodingSyncEnabled">entropy_coding_sync_enabled_flag (wavefront parallel processing).</param>
internal sealed record HevcPictureParameterSet(int PicParameterSetId, int SeqParameterSetId, bool TilesEnabled, bool EntropyCodingSyncEnabled)
{
    /// <summary>
    /// parallelismType as ISO/IEC 14496-15 8.3.3.1.3 and FFmpeg derive it from one PPS: 0 mixed (tiles and wavefronts),
    /// 1 slices, 2 tiles, 3 wavefronts.
    /// </summary>
    public int ParallelismType => (TilesEnabled, EntropyCodingSyncEnabled) switch
    {
        (true, true) => 0,
        (false, true) => 3,
        (true, false) => 2,
        _ => 1,
    };

    /// <summary>Parses a PPS NAL unit, 2-byte NAL header included, emulation prevention bytes still in place.</summary>
    /// <exception cref="InvalidDataException">The NAL unit is not a PPS or ends early; the message names the field.</exception>
    public static HevcPictureParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length > HevcSequenceParameterSet.MaxSize)
        {
            throw new InvalidDataException($"PPS is {nal.Length} bytes; refusing more than {HevcSequenceParameterSet.MaxSize}");
        }

        HevcNalUnitHeader header = HevcNalUnitHeader.Read(nal);
        if (header.Type != HevcNalUnitType.Pps)
        {
            throw new InvalidDataException($"NAL unit type {(int)header.Type} is not a PPS (34)");
        }

        Span<byte> rbsp = stackalloc byte[nal.Length - HevcNalUnitHeader.Size];
        int length = EmulationPrevention.Remove(nal[HevcNalUnitHeader.Size..], rbsp);
        var reader = new BitstreamReader(rbsp[..length], "PPS");
        int ppsId = (int)reader.ReadUnsignedExpGolomb(63, "pps_pic_parameter_set_id");
        int spsId = (int)reader.ReadUnsignedExpGolomb(15, "pps_seq_parameter_set_id");

        // dependent_slice_segments_enabled_flag, output_flag_present_flag, num_extra_slice_header_bits (3),
        // sign_data_hiding_enabled_flag, cabac_init_present_flag
        reader.SkipBits(7);
        reader.ReadUnsignedExpGolomb(14, "num_ref_idx_l0_default_active_minus1");
        reader.ReadUnsignedExpGolomb(14, "num_ref_idx_l1_default_active_minus1");
        reader.ReadSignedExpGolomb(); // init_qp_minus26
        reader.SkipBits(2); // constrained_intra_pred_flag, transform_skip_enabled_flag
        if (reader.ReadBit()) // cu_qp_delta_enabled_flag
        {
            reader.ReadUnsignedExpGolomb(3, "diff_cu_qp_delta_depth");
        }

        reader.ReadSignedExpGolomb(); // pps_cb_qp_offset
        reader.ReadSignedExpGolomb(); // pps_cr_qp_offset

        // pps_slice_chroma_qp_offsets_present_flag, weighted_pred_flag, weighted_bipred_flag, transquant_bypass_enabled_flag
        reader.SkipBits(4);
        bool tiles = reader.ReadBit();
        bool wavefronts = reader.ReadBit();
        return new HevcPictureParameterSet(ppsId, spsId, tiles, wavefronts);
    }
}
