namespace Uplink.Codecs.Hevc;

/// <summary>
/// The 2-byte HEVC NAL unit header (ITU-T H.265 7.3.1.2): forbidden_zero_bit, nal_unit_type (6 bits), nuh_layer_id
/// (6 bits), nuh_temporal_id_plus1 (3 bits).
/// </summary>
/// <param name="Type">nal_unit_type.</param>
/// <param name="LayerId">nuh_layer_id: 0 for the base layer, more for the layers of multi-layer extensions.</param>
/// <param name="TemporalId">TemporalId, nuh_temporal_id_plus1 − 1: the temporal sub-layer (0 to 6).</param>
internal readonly record struct HevcNalUnitHeader(HevcNalUnitType Type, int LayerId, int TemporalId)
{
    /// <summary>The size of the header in bytes.</summary>
    public const int Size = 2;

    /// <summary>True for a coded slice segment (types 0 to 31).</summary>
    public bool IsVcl => (byte)Type < 32;

    /// <summary>
    /// True for the slice of a random access point a decoder can start at: BLA, IDR or CRA (16 to 21). The reserved
    /// IRAP types 22 and 23 are left out: a decoder ignores reserved types, so there is no picture to start at.
    /// </summary>
    public bool IsIrap => Type is >= HevcNalUnitType.BlaWLp and <= HevcNalUnitType.Cra;

    /// <summary>
    /// True for the slice of a sub-layer non-reference picture (the even types below 16): no later picture of the same
    /// temporal sub-layer refers to it, though pictures of higher sub-layers may.
    /// </summary>
    public bool IsSubLayerNonReference => (byte)Type < 16 && ((byte)Type & 1) == 0;

    /// <summary>Reads the header at the start of <paramref name="nal"/>.</summary>
    /// <exception cref="InvalidDataException">
    /// Fewer than 2 bytes, forbidden_zero_bit set, or nuh_temporal_id_plus1 zero.
    /// </exception>
    public static HevcNalUnitHeader Read(ReadOnlySpan<byte> nal)
    {
        if (nal.Length < Size)
        {
            throw new InvalidDataException($"HEVC NAL unit is {nal.Length} bytes, shorter than its 2-byte header");
        }

        if ((nal[0] & 0x80) != 0)
        {
            throw new InvalidDataException($"HEVC NAL header 0x{nal[0]:X2}{nal[1]:X2} has forbidden_zero_bit set");
        }

        int temporalIdPlus1 = nal[1] & 7;
        if (temporalIdPlus1 == 0)
        {
            throw new InvalidDataException($"HEVC NAL header 0x{nal[0]:X2}{nal[1]:X2} has nuh_temporal_id_plus1 0");
        }

        return new HevcNalUnitHeader(
            (HevcNalUnitType)((nal[0] >> 1) & 0x3F),
            ((nal[0] & 1) << 5) | (nal[1] >> 3),
            temporalIdPlus1 - 1);
    }

    /// <summary>
    /// The nal_unit_type of <paramref name="nal"/> without validating the rest of the header, for a quick look.
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="nal"/> is empty.</exception>
    public static HevcNalUnitType ReadType(ReadOnlySpan<byte> nal) =>
        nal.IsEmpty
            ? throw new InvalidDataException("HEVC NAL unit is empty")
            : (HevcNalUnitType)((nal[0] >> 1) & 0x3F);
}
