namespace Uplink.Media.Matroska;

/// <summary>Finds what the reader needs in a buffered BlockGroup: its Block, whether it references other frames, its duration.</summary>
internal static class MatroskaBlockGroup
{
    /// <summary>Parses the children of a BlockGroup (its data, header excluded).</summary>
    /// <param name="group">The BlockGroup's data.</param>
    /// <param name="blockStart">Where the Block's data starts in <paramref name="group"/>.</param>
    /// <param name="blockLength">The Block's data length.</param>
    /// <param name="hasReference">True when a ReferenceBlock is present: the frame is not a keyframe.</param>
    /// <param name="duration">The BlockDuration in TimestampScale units, when present.</param>
    /// <returns>Null when a Block was found; otherwise what is wrong, for a warning.</returns>
    public static string? TryParse(ReadOnlySpan<byte> group, out int blockStart, out int blockLength, out bool hasReference, out long? duration)
    {
        blockStart = -1;
        blockLength = 0;
        hasReference = false;
        duration = null;
        int position = 0;
        while (position < group.Length)
        {
            if (Ebml.TryReadHeader(group[position..], out EbmlElementHeader header) != EbmlHeaderStatus.Read
                || header.IsUnknownSize || header.Size > group.Length - position - header.HeaderSize)
            {
                return $"has a malformed child at offset {position} of its data";
            }

            int dataStart = position + header.HeaderSize;
            switch (header.Id)
            {
                case MatroskaIds.Block when blockStart < 0:
                    blockStart = dataStart;
                    blockLength = (int)header.Size;
                    break;
                case MatroskaIds.ReferenceBlock:
                    hasReference = true;
                    break;
                case MatroskaIds.BlockDuration:
                    ulong units = Ebml.ReadUnsigned(group.Slice(dataStart, (int)header.Size));
                    duration = units <= long.MaxValue / 2 ? (long)units : null;
                    break;
            }

            position = dataStart + (int)header.Size;
        }

        return blockStart < 0 ? "has no Block" : null;
    }
}
