namespace Uplink.Codecs;

/// <summary>
/// The start of an H.264 picture parameter set (ITU-T H.264 7.3.2.2): the fields a slice header parser needs.
/// </summary>
/// <param name="PicParameterSetId">pic_parameter_set_id (0 to 255).</param>
/// <param name="SeqParameterSetId">seq_parameter_set_id of the SPS it refers to (0 to 31).</param>
/// <param name="BottomFieldPicOrderInFramePresent">bottom_field_pic_order_in_frame_present_flag.</param>
public readonly record struct H264PictureParameterSet(int PicParameterSetId, int SeqParameterSetId, bool BottomFieldPicOrderInFramePresent)
{
    /// <summary>The number of NAL bytes enough to read the fields above (emulation prevention included).</summary>
    private const int HeaderBytes = 16;

    /// <summary>Parses a PPS NAL unit, NAL header byte included, emulation prevention bytes still in place.</summary>
    /// <exception cref="InvalidDataException">The NAL unit is too short or its ids are out of range.</exception>
    public static H264PictureParameterSet Parse(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < 2)
        {
            throw new InvalidDataException($"PPS is {nal.Length} bytes, too short");
        }

        ReadOnlySpan<byte> head = nal[1..Math.Min(nal.Length, HeaderBytes)];
        Span<byte> rbsp = stackalloc byte[HeaderBytes];
        int length = EmulationPrevention.Remove(head, rbsp);
        var reader = new BitstreamReader(rbsp[..length], "PPS");
        int ppsId = (int)reader.ReadUnsignedExpGolomb(255, "pic_parameter_set_id");
        int spsId = (int)reader.ReadUnsignedExpGolomb(31, "seq_parameter_set_id");
        reader.SkipBits(1); // entropy_coding_mode_flag
        bool bottomFieldPicOrder = reader.ReadBit();
        return new H264PictureParameterSet(ppsId, spsId, bottomFieldPicOrder);
    }
}
