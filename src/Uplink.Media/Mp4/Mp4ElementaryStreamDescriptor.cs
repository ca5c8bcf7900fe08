namespace Uplink.Media.Mp4;

/// <summary>
/// What the reader needs of an esds box (ISO 14496-1 ES_Descriptor): the DecoderConfigDescriptor's
/// objectTypeIndication and its DecoderSpecificInfo (for AAC, the AudioSpecificConfig).
/// </summary>
internal sealed class Mp4ElementaryStreamDescriptor
{
    private const byte EsDescriptorTag = 0x03;
    private const byte DecoderConfigDescriptorTag = 0x04;
    private const byte DecoderSpecificInfoTag = 0x05;
    private const int DecoderConfigFieldsSize = 13;

    private Mp4ElementaryStreamDescriptor(byte objectTypeIndication, byte[]? decoderSpecificInfo)
    {
        ObjectTypeIndication = objectTypeIndication;
        DecoderSpecificInfo = decoderSpecificInfo;
    }

    public byte ObjectTypeIndication { get; }

    public byte[]? DecoderSpecificInfo { get; }

    /// <summary>Parses the descriptors of an esds box.</summary>
    public static Mp4ElementaryStreamDescriptor Parse(Mp4Box esds)
    {
        esds.RequireFullBox(0);
        ReadOnlySpan<byte> data = esds.Payload[4..];
        long baseOffset = esds.PayloadOffset + 4;
        int position = 0;
        ReadDescriptor(data, ref position, baseOffset, out byte tag, out int length);
        ReadOnlySpan<byte> decoderConfig;
        long decoderConfigOffset;
        if (tag == EsDescriptorTag)
        {
            ReadOnlySpan<byte> es = data.Slice(position, length);
            long esOffset = baseOffset + position;
            int at = 3; // ES_ID (2) and the flags byte
            Require(es, at, esOffset, "ES_Descriptor");
            byte flags = es[2];
            if ((flags & 0x80) != 0)
            {
                at += 2; // dependsOn_ES_ID
            }

            if ((flags & 0x40) != 0)
            {
                Require(es, at + 1, esOffset, "ES_Descriptor URL");
                at += 1 + es[at]; // URLlength, URLstring
            }

            if ((flags & 0x20) != 0)
            {
                at += 2; // OCR_ES_Id
            }

            Require(es, at, esOffset, "ES_Descriptor");
            if (!TryFindDescriptor(es, at, esOffset, DecoderConfigDescriptorTag, out decoderConfig, out decoderConfigOffset))
            {
                throw Mp4Errors.Invalid($"the esds at offset {esds.Offset} has no DecoderConfigDescriptor");
            }
        }
        else if (tag == DecoderConfigDescriptorTag)
        {
            decoderConfig = data.Slice(position, length);
            decoderConfigOffset = baseOffset + position;
        }
        else
        {
            throw Mp4Errors.Invalid($"the esds at offset {esds.Offset} starts with descriptor tag 0x{tag:X2}: expected an ES_Descriptor (0x03)");
        }

        Require(decoderConfig, DecoderConfigFieldsSize, decoderConfigOffset, "DecoderConfigDescriptor");
        byte objectType = decoderConfig[0];
        byte[]? specificInfo = TryFindDescriptor(decoderConfig, DecoderConfigFieldsSize, decoderConfigOffset, DecoderSpecificInfoTag, out ReadOnlySpan<byte> info, out _)
            ? info.ToArray()
            : null;
        return new Mp4ElementaryStreamDescriptor(objectType, specificInfo);
    }

    private static bool TryFindDescriptor(ReadOnlySpan<byte> data, int position, long baseOffset, byte wanted, out ReadOnlySpan<byte> found, out long foundOffset)
    {
        while (position < data.Length)
        {
            ReadDescriptor(data, ref position, baseOffset, out byte tag, out int length);
            if (tag == wanted)
            {
                found = data.Slice(position, length);
                foundOffset = baseOffset + position;
                return true;
            }

            position += length;
        }

        found = default;
        foundOffset = 0;
        return false;
    }

    /// <summary>Reads a tag and its expandable size (1 to 4 bytes of 7 bits), checking the size against the data left.</summary>
    private static void ReadDescriptor(ReadOnlySpan<byte> data, ref int position, long baseOffset, out byte tag, out int length)
    {
        long tagOffset = baseOffset + position;
        if (position >= data.Length)
        {
            throw Mp4Errors.Invalid($"esds descriptor at offset {tagOffset} is missing");
        }

        tag = data[position++];
        length = 0;
        for (int i = 0; ; i++)
        {
            if (i == 4)
            {
                throw Mp4Errors.Invalid($"esds descriptor 0x{tag:X2} at offset {tagOffset} has a size field longer than 4 bytes");
            }

            if (position >= data.Length)
            {
                throw Mp4Errors.Invalid($"esds descriptor 0x{tag:X2} at offset {tagOffset} is cut off inside its size field");
            }

            byte b = data[position++];
            length = (length << 7) | (b & 0x7F);
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (length > data.Length - position)
        {
            throw Mp4Errors.Invalid($"esds descriptor 0x{tag:X2} at offset {tagOffset} claims {length} bytes, more than the {data.Length - position} left");
        }
    }

    private static void Require(ReadOnlySpan<byte> data, int needed, long offset, string what)
    {
        if (data.Length < needed)
        {
            throw Mp4Errors.Invalid($"esds {what} at offset {offset} is {data.Length} bytes, too short");
        }
    }
}
