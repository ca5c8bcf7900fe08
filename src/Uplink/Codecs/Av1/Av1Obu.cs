namespace Uplink.Codecs.Av1;

/// <summary>
/// One OBU of a temporal unit as <see cref="Av1ObuEnumerator"/> finds it: the obu_header fields (AV1 specification
/// 5.3.2) and where the OBU and its payload lie.
/// </summary>
internal readonly ref struct Av1Obu
{
    internal Av1Obu(ReadOnlySpan<byte> bytes, int offset, int headerLength, int extensionByte)
    {
        Bytes = bytes;
        Offset = offset;
        HeaderLength = headerLength;
        Type = (Av1ObuType)((bytes[0] >> 3) & 0x0F);
        HasSizeField = (bytes[0] & 0x02) != 0;
        HasExtension = extensionByte >= 0;
        TemporalId = HasExtension ? extensionByte >> 5 : 0;
        SpatialId = HasExtension ? (extensionByte >> 3) & 3 : 0;
    }

    /// <summary>The whole OBU: header, size field (if any) and payload.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The OBU's payload, after the header and the size field.</summary>
    public ReadOnlySpan<byte> Payload => Bytes[HeaderLength..];

    /// <summary>Where the OBU starts in the buffer enumerated.</summary>
    public int Offset { get; }

    /// <summary>The length of the header and the size field: the offset of the payload in <see cref="Bytes"/>.</summary>
    public int HeaderLength { get; }

    /// <summary>obu_type; reserved values are kept as they are.</summary>
    public Av1ObuType Type { get; }

    /// <summary>obu_has_size_field: false only for an OBU that fills the rest of its buffer.</summary>
    public bool HasSizeField { get; }

    /// <summary>obu_extension_flag.</summary>
    public bool HasExtension { get; }

    /// <summary>temporal_id of the extension header, 0 without one.</summary>
    public int TemporalId { get; }

    /// <summary>spatial_id of the extension header, 0 without one.</summary>
    public int SpatialId { get; }
}
