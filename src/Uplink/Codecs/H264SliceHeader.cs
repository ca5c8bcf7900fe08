namespace Uplink.Codecs;

/// <summary>
/// The start of an H.264 slice header (ITU-T H.264 7.3.3), up to the picture order count fields: what an
/// access unit splitter (7.4.1.2.4) and a picture order count decoder (8.2.1) need.
/// </summary>
public readonly struct H264SliceHeader
{
    /// <summary>The number of NAL bytes read at most: the fields needed fit well within them.</summary>
    private const int MaxHeaderBytes = 64;

    /// <summary>nal_unit_type (1, 2 or 5).</summary>
    public int NalUnitType { get; private init; }

    /// <summary>nal_ref_idc (0 for a non-reference picture).</summary>
    public int NalRefIdc { get; private init; }

    /// <summary>True for an IDR picture (nal_unit_type 5).</summary>
    public bool IsIdr => NalUnitType == 5;

    /// <summary>first_mb_in_slice: 0 for the first slice of a picture in decoding order (without ASO).</summary>
    public uint FirstMbInSlice { get; private init; }

    /// <summary>slice_type modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI.</summary>
    public int SliceType { get; private init; }

    /// <summary>pic_parameter_set_id.</summary>
    public int PicParameterSetId { get; private init; }

    /// <summary>frame_num.</summary>
    public int FrameNum { get; private init; }

    /// <summary>field_pic_flag.</summary>
    public bool FieldPic { get; private init; }

    /// <summary>bottom_field_flag.</summary>
    public bool BottomField { get; private init; }

    /// <summary>idr_pic_id (IDR pictures only).</summary>
    public int IdrPicId { get; private init; }

    /// <summary>pic_order_cnt_lsb (POC type 0).</summary>
    public int PicOrderCountLsb { get; private init; }

    /// <summary>delta_pic_order_cnt_bottom (POC type 0).</summary>
    public int DeltaPicOrderCountBottom { get; private init; }

    /// <summary>delta_pic_order_cnt[0] (POC type 1).</summary>
    public int DeltaPicOrderCount0 { get; private init; }

    /// <summary>delta_pic_order_cnt[1] (POC type 1).</summary>
    public int DeltaPicOrderCount1 { get; private init; }

    /// <summary>Reads first_mb_in_slice and pic_parameter_set_id only, so the parameter sets can be looked up.</summary>
    /// <exception cref="InvalidDataException">The slice header is cut short or out of range.</exception>
    public static void ReadIds(ReadOnlySpan<byte> nal, out uint firstMbInSlice, out int picParameterSetId)
    {
        Span<byte> rbsp = stackalloc byte[MaxHeaderBytes];
        var reader = new BitstreamReader(ToRbsp(nal, rbsp), "slice header");
        firstMbInSlice = reader.ReadUnsignedExpGolomb();
        reader.ReadUnsignedExpGolomb(9, "slice_type");
        picParameterSetId = (int)reader.ReadUnsignedExpGolomb(255, "pic_parameter_set_id");
    }

    /// <summary>Parses the slice header of a VCL NAL unit (NAL header byte included, emulation prevention in place).</summary>
    /// <exception cref="InvalidDataException">The slice header is cut short or out of range.</exception>
    public static H264SliceHeader Parse(ReadOnlySpan<byte> nal, H264SequenceParameterSet sps, H264PictureParameterSet pps)
    {
        ArgumentNullException.ThrowIfNull(sps);
        Span<byte> rbsp = stackalloc byte[MaxHeaderBytes];
        var reader = new BitstreamReader(ToRbsp(nal, rbsp), "slice header");
        int nalUnitType = nal[0] & 0x1F;
        uint firstMb = reader.ReadUnsignedExpGolomb();
        int sliceType = (int)reader.ReadUnsignedExpGolomb(9, "slice_type") % 5;
        int ppsId = (int)reader.ReadUnsignedExpGolomb(255, "pic_parameter_set_id");
        if (sps.SeparateColourPlane)
        {
            reader.SkipBits(2); // colour_plane_id
        }

        int frameNum = (int)reader.ReadBits(sps.Log2MaxFrameNum);
        bool fieldPic = false, bottomField = false;
        if (!sps.FrameMbsOnly)
        {
            fieldPic = reader.ReadBit();
            if (fieldPic)
            {
                bottomField = reader.ReadBit();
            }
        }

        int idrPicId = nalUnitType == 5 ? (int)reader.ReadUnsignedExpGolomb(65535, "idr_pic_id") : 0;
        int pocLsb = 0, deltaBottom = 0, delta0 = 0, delta1 = 0;
        if (sps.PicOrderCountType == 0)
        {
            pocLsb = (int)reader.ReadBits(sps.Log2MaxPicOrderCountLsb);
            if (pps.BottomFieldPicOrderInFramePresent && !fieldPic)
            {
                deltaBottom = reader.ReadSignedExpGolomb();
            }
        }
        else if (sps.PicOrderCountType == 1 && !sps.DeltaPicOrderAlwaysZero)
        {
            delta0 = reader.ReadSignedExpGolomb();
            if (pps.BottomFieldPicOrderInFramePresent && !fieldPic)
            {
                delta1 = reader.ReadSignedExpGolomb();
            }
        }

        return new H264SliceHeader
        {
            NalUnitType = nalUnitType,
            NalRefIdc = (nal[0] >> 5) & 3,
            FirstMbInSlice = firstMb,
            SliceType = sliceType,
            PicParameterSetId = ppsId,
            FrameNum = frameNum,
            FieldPic = fieldPic,
            BottomField = bottomField,
            IdrPicId = idrPicId,
            PicOrderCountLsb = pocLsb,
            DeltaPicOrderCountBottom = deltaBottom,
            DeltaPicOrderCount0 = delta0,
            DeltaPicOrderCount1 = delta1,
        };
    }

    /// <summary>
    /// True when this slice, following <paramref name="previous"/> (a slice of the current picture), starts a new
    /// primary coded picture (ITU-T H.264 7.4.1.2.4; first_mb_in_slice 0 covers streams without arbitrary slice order).
    /// </summary>
    public bool StartsNewPictureAfter(in H264SliceHeader previous) =>
        FirstMbInSlice == 0
        || FrameNum != previous.FrameNum
        || PicParameterSetId != previous.PicParameterSetId
        || FieldPic != previous.FieldPic
        || BottomField != previous.BottomField
        || (NalRefIdc == 0) != (previous.NalRefIdc == 0)
        || IsIdr != previous.IsIdr
        || (IsIdr && IdrPicId != previous.IdrPicId)
        || PicOrderCountLsb != previous.PicOrderCountLsb
        || DeltaPicOrderCountBottom != previous.DeltaPicOrderCountBottom
        || DeltaPicOrderCount0 != previous.DeltaPicOrderCount0
        || DeltaPicOrderCount1 != previous.DeltaPicOrderCount1;

    private static ReadOnlySpan<byte> ToRbsp(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        if (nal.Length < 2)
        {
            throw new InvalidDataException($"slice NAL unit is {nal.Length} bytes, too short for a slice header");
        }

        ReadOnlySpan<byte> head = nal[1..Math.Min(nal.Length, rbsp.Length + 1)];
        return rbsp[..EmulationPrevention.Remove(head, rbsp)];
    }
}
