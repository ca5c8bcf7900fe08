namespace Uplink.Codecs;

/// <summary>H.264 emulation prevention: the 03 byte inserted after every 00 00 inside a NAL unit.</summary>
internal static class EmulationPrevention
{
    /// <summary>
    /// Copies <paramref name="nal"/> to <paramref name="destination"/> without its emulation prevention bytes
    /// (every 03 that follows 00 00), giving the RBSP.
    /// </summary>
    /// <returns>The number of bytes written; at most <c>nal.Length</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="nal"/>.</exception>
    public static int Remove(ReadOnlySpan<byte> nal, Span<byte> destination)
    {
        if (destination.Length < nal.Length)
        {
            throw new ArgumentException("destination must be at least as long as the NAL unit", nameof(destination));
        }

        int written = 0;
        int zeros = 0;
        foreach (byte b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            destination[written++] = b;
        }

        return written;
    }
}
