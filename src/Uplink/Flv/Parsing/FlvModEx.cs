namespace Uplink.Flv.Parsing;

/// <summary>
/// Skips the Enhanced RTMP ModEx prefixes of an audio or video tag body. Their only defined use, TimestampOffsetNano, is
/// a sub-millisecond correction that millisecond FLV timestamps cannot carry, so the data is dropped.
/// </summary>
internal static class FlvModEx
{
    private const int ModEx = 7;

    /// <summary>
    /// From <paramref name="position"/> (just after the first byte), skips ModEx blocks while <paramref name="packetType"/>
    /// is ModEx, leaving it the real packet type and <paramref name="position"/> after the last block.
    /// </summary>
    /// <returns>False when the body ends inside a ModEx block.</returns>
    public static bool Skip(ReadOnlySpan<byte> body, ref int packetType, ref int position)
    {
        while (packetType == ModEx)
        {
            if (position >= body.Length)
            {
                return false;
            }

            int size = body[position++] + 1;
            if (size == 256)
            {
                if (position + 2 > body.Length)
                {
                    return false;
                }

                size = (body[position] << 8 | body[position + 1]) + 1;
                position += 2;
            }

            // The data, then one byte: ModEx type (high nibble, unused) and the next packet type.
            if (body.Length - position < size + 1)
            {
                return false;
            }

            position += size;
            packetType = body[position++] & 0x0F;
        }

        return true;
    }
}
