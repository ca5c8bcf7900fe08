namespace Uplink.Codecs.Av1;

/// <summary>
/// AV1CodecConfigurationRecord (AV1 ISOBMFF binding 2.3, the body of "av1C"): four bytes summing up the sequence
/// header, then configOBUs. Enhanced RTMP's av01 SequenceStart carries it whole, as FFmpeg's FLV and MP4 muxers write it.
/// </summary>
internal sealed class Av1CodecConfigurationRecord
{
    /// <summary>The size of the fixed part before configOBUs.</summary>
    public const int HeaderSize = 4;

    private Av1CodecConfigurationRecord()
    {
    }

    /// <summary>seq_profile.</summary>
    public int SeqProfile { get; private init; }

    /// <summary>seq_level_idx_0.</summary>
    public int SeqLevelIdx0 { get; private init; }

    /// <summary>seq_tier_0.</summary>
    public int SeqTier0 { get; private init; }

    /// <summary>high_bitdepth.</summary>
    public bool HighBitdepth { get; private init; }

    /// <summary>twelve_bit.</summary>
    public bool TwelveBit { get; private init; }

    /// <summary>monochrome.</summary>
    public bool Monochrome { get; private init; }

    /// <summary>chroma_subsampling_x.</summary>
    public bool ChromaSubsamplingX { get; private init; }

    /// <summary>chroma_subsampling_y.</summary>
    public bool ChromaSubsamplingY { get; private init; }

    /// <summary>chroma_sample_position.</summary>
    public int ChromaSamplePosition { get; private init; }

    /// <summary>initial_presentation_delay_minus_one + 1, or null when initial_presentation_delay_present is 0.</summary>
    public int? InitialPresentationDelay { get; private init; }

    /// <summary>The bit depth the header declares: 8, 10 or 12.</summary>
    public int BitDepth => TwelveBit ? 12 : HighBitdepth ? 10 : 8;

    /// <summary>configOBUs: zero or more OBUs, each with obu_size.</summary>
    public byte[] ConfigObus { get; private init; } = [];

    /// <summary>The sequence header OBU (header included) when configOBUs starts with one, else null.</summary>
    public byte[]? SequenceHeaderObu { get; private init; }

    /// <summary>The parsed sequence header of <see cref="SequenceHeaderObu"/>, else null.</summary>
    public Av1SequenceHeader? SequenceHeader { get; private init; }

    /// <summary>The payload of <see cref="SequenceHeaderObu"/> (after its header and size), empty without one.</summary>
    public ReadOnlySpan<byte> SequenceHeaderPayload => SequenceHeaderObu.AsSpan(SequenceHeaderPayloadOffset);

    private int SequenceHeaderPayloadOffset { get; init; }

    /// <summary>
    /// Builds an av1C from a sequence header OBU as FFmpeg's <c>ff_isom_write_av1c</c> does: the four header bytes from
    /// the sequence header (no initial presentation delay), then the OBU itself as configOBUs. An OBU without obu_size
    /// gains one, since configOBUs require it.
    /// </summary>
    /// <param name="sequenceHeaderObu">One OBU of type OBU_SEQUENCE_HEADER, header included.</param>
    /// <exception cref="InvalidDataException">The OBU is malformed, not a sequence header, or followed by more bytes.</exception>
    public static byte[] Build(ReadOnlySpan<byte> sequenceHeaderObu) => Build(sequenceHeaderObu, out _);

    /// <summary>Like <see cref="Build(ReadOnlySpan{byte})"/>, also returning the parsed sequence header.</summary>
    internal static byte[] Build(ReadOnlySpan<byte> sequenceHeaderObu, out Av1SequenceHeader sequence)
    {
        var obus = new Av1ObuEnumerator(sequenceHeaderObu, "AV1 sequence header OBU");
        if (!obus.MoveNext())
        {
            throw new InvalidDataException("AV1 sequence header OBU is empty");
        }

        Av1Obu obu = obus.Current;
        if (obu.Type != Av1ObuType.SequenceHeader)
        {
            throw new InvalidDataException($"AV1 OBU at offset 0 has type {(int)obu.Type}, not a sequence header (1)");
        }

        if (obu.Bytes.Length != sequenceHeaderObu.Length)
        {
            throw new InvalidDataException(
                $"AV1 sequence header OBU ends at offset {obu.Bytes.Length}, but {sequenceHeaderObu.Length} bytes were given");
        }

        sequence = Av1SequenceHeader.Parse(obu.Payload);
        int extension = obu.HasExtension ? 1 : 0;
        int obuLength = obu.HasSizeField
            ? obu.Bytes.Length
            : 1 + extension + Leb128.SizeOf((uint)obu.Payload.Length) + obu.Payload.Length;
        byte[] record = new byte[HeaderSize + obuLength];
        WriteHeader(record, sequence);
        if (obu.HasSizeField)
        {
            obu.Bytes.CopyTo(record.AsSpan(HeaderSize));
        }
        else
        {
            int at = HeaderSize;
            record[at++] = (byte)(obu.Bytes[0] | 0x02); // obu_has_size_field
            if (obu.HasExtension)
            {
                record[at++] = obu.Bytes[1];
            }

            at += Leb128.Write((uint)obu.Payload.Length, record.AsSpan(at));
            obu.Payload.CopyTo(record.AsSpan(at));
        }

        return record;
    }

    /// <summary>Parses and checks a record: marker, version, and the framing of configOBUs.</summary>
    /// <exception cref="InvalidDataException">The record is malformed; the message names the offset.</exception>
    public static Av1CodecConfigurationRecord Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            throw new InvalidDataException($"av1C is {data.Length} bytes, too short (at least {HeaderSize} needed)");
        }

        if (data[0] != 0x81)
        {
            throw new InvalidDataException($"av1C marker and version at offset 0 are 0x{data[0]:X2}, not 0x81 (marker 1, version 1)");
        }

        ReadOnlySpan<byte> configObus = data[HeaderSize..];
        byte[]? sequenceHeaderObu = null;
        Av1SequenceHeader? sequence = null;
        int payloadOffset = 0;
        foreach (Av1Obu obu in new Av1ObuEnumerator(configObus, "av1C configOBUs", requireSizeFields: true))
        {
            if (obu.Type != Av1ObuType.SequenceHeader)
            {
                continue;
            }

            if (obu.Offset != 0)
            {
                throw new InvalidDataException(
                    $"av1C configOBUs has a sequence header at offset {HeaderSize + obu.Offset}; only the first OBU may be one");
            }

            sequence = Av1SequenceHeader.Parse(obu.Payload);
            sequenceHeaderObu = obu.Bytes.ToArray();
            payloadOffset = obu.HeaderLength;
        }

        byte b1 = data[1], b2 = data[2], b3 = data[3];
        return new Av1CodecConfigurationRecord
        {
            SeqProfile = b1 >> 5,
            SeqLevelIdx0 = b1 & 0x1F,
            SeqTier0 = b2 >> 7,
            HighBitdepth = (b2 & 0x40) != 0,
            TwelveBit = (b2 & 0x20) != 0,
            Monochrome = (b2 & 0x10) != 0,
            ChromaSubsamplingX = (b2 & 0x08) != 0,
            ChromaSubsamplingY = (b2 & 0x04) != 0,
            ChromaSamplePosition = b2 & 0x03,
            InitialPresentationDelay = (b3 & 0x10) != 0 ? (b3 & 0x0F) + 1 : null,
            ConfigObus = configObus.ToArray(),
            SequenceHeaderObu = sequenceHeaderObu,
            SequenceHeader = sequence,
            SequenceHeaderPayloadOffset = payloadOffset,
        };
    }

    /// <summary>The four bytes before configOBUs, from a parsed sequence header (no initial presentation delay).</summary>
    internal static void WriteHeader(Span<byte> destination, Av1SequenceHeader sequence)
    {
        Av1ColorConfig color = sequence.ColorConfig;
        destination[0] = 0x81; // marker, version 1
        destination[1] = (byte)((sequence.SeqProfile << 5) | sequence.SeqLevelIdx);
        destination[2] = (byte)(
            (sequence.SeqTier << 7)
            | (color.BitDepth > 8 ? 0x40 : 0)
            | (color.BitDepth == 12 ? 0x20 : 0)
            | (color.MonoChrome ? 0x10 : 0)
            | (color.SubsamplingX ? 0x08 : 0)
            | (color.SubsamplingY ? 0x04 : 0)
            | color.ChromaSamplePosition);
        destination[3] = 0; // reserved, initial_presentation_delay_present 0
    }
}
