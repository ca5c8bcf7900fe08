using System.Buffers.Binary;

namespace Uplink.Media.Matroska;

/// <summary>
/// Looks ahead at buffered clusters for the first frames of a video track, to measure how deeply its frames are
/// reordered when the SPS does not say (no VUI bitstream_restriction: NVENC's default, for one).
/// </summary>
internal static class MatroskaReorderProbe
{
    /// <summary>
    /// Collects the block timestamps (cluster plus relative, in TimestampScale units) of <paramref name="track"/> from
    /// <paramref name="data"/>, which starts at a Segment child, in file (decode) order; stops at the first thing it
    /// cannot read, so damage or a cut just means fewer frames.
    /// </summary>
    /// <returns>How many timestamps were written to <paramref name="times"/>.</returns>
    public static int Scan(ReadOnlySpan<byte> data, ulong track, Span<long> times)
    {
        int count = 0;
        int position = 0;
        int clusterEnd = -1;
        long clusterTimestamp = 0;
        while (count < times.Length)
        {
            if (position >= clusterEnd)
            {
                clusterEnd = -1;
            }

            if (Ebml.TryReadHeader(data[position..], out EbmlElementHeader header) != EbmlHeaderStatus.Read)
            {
                break;
            }

            int dataStart = position + header.HeaderSize;
            long end = header.IsUnknownSize ? long.MaxValue : dataStart + header.Size;
            if (clusterEnd < 0)
            {
                if (header.Id == MatroskaIds.Cluster)
                {
                    clusterEnd = (int)Math.Min(end, data.Length);
                    clusterTimestamp = 0;
                    position = dataStart;
                    continue;
                }

                if (header.IsUnknownSize || end > data.Length || !(MatroskaIds.IsSegmentChild(header.Id) || header.Id is MatroskaIds.Void or MatroskaIds.Crc32))
                {
                    break;
                }

                position = (int)end;
                continue;
            }

            if (!MatroskaIds.IsClusterChild(header.Id))
            {
                if (MatroskaIds.IsSegmentChild(header.Id))
                {
                    clusterEnd = -1; // an unknown-size cluster ends where the next Segment child starts
                    continue;
                }

                break;
            }

            if (header.IsUnknownSize || end > data.Length)
            {
                break;
            }

            ReadOnlySpan<byte> payload = data.Slice(dataStart, (int)header.Size);
            if (header.Id == MatroskaIds.Timestamp)
            {
                clusterTimestamp = (long)Math.Min(Ebml.ReadUnsigned(payload), long.MaxValue / 2);
            }
            else if (header.Id == MatroskaIds.SimpleBlock && TryReadBlockTime(payload, track, clusterTimestamp, out long time))
            {
                times[count++] = time;
            }
            else if (header.Id == MatroskaIds.BlockGroup && FindBlock(payload, out ReadOnlySpan<byte> block) && TryReadBlockTime(block, track, clusterTimestamp, out time))
            {
                times[count++] = time;
            }

            position = (int)end;
        }

        return count;
    }

    /// <summary>The reorder delay the frames need: the most frames before one (in decode order) that are shown after it.</summary>
    public static int Depth(ReadOnlySpan<long> times)
    {
        int depth = 0;
        for (int i = 1; i < times.Length; i++)
        {
            int later = 0;
            for (int j = 0; j < i; j++)
            {
                if (times[j] > times[i])
                {
                    later++;
                }
            }

            depth = Math.Max(depth, later);
        }

        return depth;
    }

    /// <summary>The smallest positive step between the frames' times in presentation order (one frame's duration); 0 when none.</summary>
    public static long SmallestStep(ReadOnlySpan<long> times)
    {
        Span<long> sorted = stackalloc long[times.Length];
        times.CopyTo(sorted);
        sorted.Sort();
        long step = 0;
        for (int i = 1; i < sorted.Length; i++)
        {
            long difference = sorted[i] - sorted[i - 1];
            if (difference > 0 && (step == 0 || difference < step))
            {
                step = difference;
            }
        }

        return step;
    }

    private static bool FindBlock(ReadOnlySpan<byte> group, out ReadOnlySpan<byte> block)
    {
        while (Ebml.TryReadHeader(group, out EbmlElementHeader header) == EbmlHeaderStatus.Read
               && !header.IsUnknownSize && header.Size <= group.Length - header.HeaderSize)
        {
            if (header.Id == MatroskaIds.Block)
            {
                block = group.Slice(header.HeaderSize, (int)header.Size);
                return true;
            }

            group = group[(header.HeaderSize + (int)header.Size)..];
        }

        block = default;
        return false;
    }

    private static bool TryReadBlockTime(ReadOnlySpan<byte> block, ulong track, long clusterTimestamp, out long time)
    {
        time = 0;
        if (Ebml.TryReadVarInt(block, out ulong number, out int length) != EbmlHeaderStatus.Read || number != track || block.Length < length + 3)
        {
            return false;
        }

        time = clusterTimestamp + BinaryPrimitives.ReadInt16BigEndian(block[length..]);
        return true;
    }
}
