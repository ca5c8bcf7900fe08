namespace Uplink.Flv.Parsing;

/// <summary>
/// Reads the Enhanced RTMP ModEx prefixes of an audio or video tag body. The only defined one, TimestampOffsetNano, is
/// a sub-millisecond addition to the message timestamp; its value is returned, other types are skipped.
/// </summary>
internal static class FlvModEx
{
    /// <summary>The packet type (audio and video alike) that announces a ModEx block.</summary>
    public const int PacketType = 7;

    private const int TimestampOffsetNano = 0;

    /// <summary>
    /// From <paramref name="position"/> (just after the byte holding <paramref name="packetType"/>), reads ModEx blocks
    /// while <paramref name="packetType"/> is ModEx, leaving it the real packet type and <paramref name="position"/> after
    /// the last block.
    /// </summary>
    /// <param name="body">The tag body.</param>
    /// <param name="packetType">The packet type read so far; on return the one after the last ModEx block.</param>
    /// <param name="position">Where the first block starts; on return where the packet proper starts.</param>
    /// <param name="timestampOffsetNanoseconds">The last TimestampOffsetNano's value (UI24 nanoseconds), 0 when none.</param>
    /// <returns>False when the body ends inside a ModEx block.</returns>
    public static bool Read(ReadOnlySpan<byte> body, ref int packetType, ref int position, out int timestampOffsetNanoseconds)
    {
        timestampOffsetNanoseconds = 0;
        while (packetType == PacketType)
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

            // The data, then one byte: ModEx type (high nibble) and the next packet type.
            if (body.Length - position < size + 1)
            {
                return false;
            }

            ReadOnlySpan<byte> data = body.Slice(position, size);
            position += size;
            int modExType = body[position] >> 4;
            packetType = body[position++] & 0x0F;
            if (modExType == TimestampOffsetNano && data.Length >= 3)
            {
                timestampOffsetNanoseconds = data[0] << 16 | data[1] << 8 | data[2];
            }
        }

        return true;
    }
}
