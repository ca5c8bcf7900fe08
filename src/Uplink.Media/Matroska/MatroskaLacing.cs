namespace Uplink.Media.Matroska;

/// <summary>
/// Splits a block's data into its frames (RFC 9559 10.4): no lacing (one frame), Xiph lacing (sizes as runs of 255),
/// fixed-size lacing (equal frames) or EBML lacing (a first size, then signed differences). The last frame takes what
/// is left.
/// </summary>
internal static class MatroskaLacing
{
    /// <summary>The most frames one block can hold (the lace count is one byte, less one).</summary>
    public const int MaxFrames = 256;

    /// <summary>The lacing bits of a block's flags byte.</summary>
    public const int LacingMask = 0x06;

    /// <summary>
    /// Reads the lace header at the start of <paramref name="data"/> (the block's bytes after its flags) into
    /// <paramref name="sizes"/>.
    /// </summary>
    /// <param name="data">The block's bytes after the track number, timestamp and flags.</param>
    /// <param name="flags">The block's flags byte.</param>
    /// <param name="sizes">Receives the frame sizes; at least <see cref="MaxFrames"/> long.</param>
    /// <param name="count">How many frames the block holds.</param>
    /// <param name="headerLength">Bytes of lace header before the first frame.</param>
    /// <returns>Null when the sizes add up; otherwise what is wrong, for a warning.</returns>
    public static string? TryParse(ReadOnlySpan<byte> data, int flags, Span<int> sizes, out int count, out int headerLength)
    {
        int lacing = (flags & LacingMask) >> 1;
        count = 1;
        headerLength = 0;
        if (lacing == 0)
        {
            sizes[0] = data.Length;
            return null;
        }

        if (data.IsEmpty)
        {
            return "its lace header is missing";
        }

        count = data[0] + 1;
        int position = 1;
        long total = 0;
        switch (lacing)
        {
            case 1: // Xiph
                for (int i = 0; i < count - 1; i++)
                {
                    long size = 0;
                    byte b;
                    do
                    {
                        if (position >= data.Length)
                        {
                            return "its Xiph lace sizes run past its end";
                        }

                        b = data[position++];
                        size += b;
                    }
                    while (b == 255);
                    if (size > int.MaxValue)
                    {
                        return "its Xiph lace sizes are too large";
                    }

                    sizes[i] = (int)size;
                    total += size;
                }

                break;
            case 2: // fixed-size
                int each = Math.DivRem(data.Length - position, count, out int remainder);
                if (remainder != 0)
                {
                    return $"its {data.Length - position} bytes do not split into {count} equal laced frames";
                }

                sizes[..count].Fill(each);
                headerLength = position;
                return null;
            default: // EBML
                long previous = 0;
                for (int i = 0; i < count - 1; i++)
                {
                    EbmlHeaderStatus status;
                    int length;
                    if (i == 0)
                    {
                        status = Ebml.TryReadVarInt(data[position..], out ulong first, out length);
                        previous = first > int.MaxValue ? -1 : (long)first;
                    }
                    else
                    {
                        status = Ebml.TryReadSignedVarInt(data[position..], out long difference, out length);
                        previous += difference;
                    }

                    if (status != EbmlHeaderStatus.Read || previous is < 0 or > int.MaxValue)
                    {
                        return $"its EBML lace size {i + 1} is malformed";
                    }

                    position += length;
                    sizes[i] = (int)previous;
                    total += previous;
                }

                break;
        }

        long last = data.Length - position - total;
        if (last < 0)
        {
            return $"its laced frames claim {total} bytes, more than the {data.Length - position} it holds";
        }

        sizes[count - 1] = (int)last;
        headerLength = position;
        return null;
    }
}
