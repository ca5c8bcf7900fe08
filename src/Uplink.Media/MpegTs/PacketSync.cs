namespace Uplink.Media.MpegTs;

/// <summary>Finds where transport packets start: the sync byte 0x47 repeating at packet-size steps.</summary>
internal static class PacketSync
{
    /// <summary>The first byte of every transport packet.</summary>
    public const byte SyncByte = 0x47;

    /// <summary>How many sync bytes at packet steps make a position a packet start.</summary>
    public const int SyncRepeats = 3;

    /// <summary>
    /// Finds the first position in <paramref name="data"/> where a packet starts: the sync byte repeats
    /// <see cref="SyncRepeats"/> times at <paramref name="packetSize"/> steps (near the end of the stream, every step
    /// that fits). Returns -1 when more data is needed; every position before <paramref name="ruledOut"/> is then
    /// known not to start a packet. <paramref name="prefix"/> is the number of bytes before the sync byte in each
    /// packet (4 for M2TS, 0 for TS).
    /// </summary>
    public static int Find(ReadOnlySpan<byte> data, int packetSize, int prefix, bool atEnd, out int ruledOut)
    {
        int q = 0;
        while (true)
        {
            int next = q + prefix < data.Length ? data[(q + prefix)..].IndexOf(SyncByte) : -1;
            if (next < 0)
            {
                ruledOut = Math.Max(q, data.Length - prefix);
                ruledOut = Math.Max(0, ruledOut);
                return -1;
            }

            q += next;
            bool matches = true;
            for (int k = 1; k < SyncRepeats; k++)
            {
                int at = q + (k * packetSize) + prefix;
                if (at >= data.Length)
                {
                    if (!atEnd)
                    {
                        ruledOut = q;
                        return -1;
                    }

                    break;
                }

                if (data[at] != SyncByte)
                {
                    matches = false;
                    break;
                }
            }

            if (matches)
            {
                ruledOut = q;
                return q;
            }

            q++;
        }
    }

    /// <summary>
    /// <see cref="Find"/> for the first packet: at the end of a short stream, fewer repeats will do, but a
    /// whole packet must fit.
    /// </summary>
    public static int FindFirst(ReadOnlySpan<byte> data, int packetSize, int prefix, bool atEnd, out int ruledOut)
    {
        int found = Find(data, packetSize, prefix, atEnd, out ruledOut);
        if (found >= 0 && data.Length - found < packetSize)
        {
            ruledOut = data.Length;
            return -1;
        }

        return found;
    }
}
