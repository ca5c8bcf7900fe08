namespace Uplink.Media.MpegTs;

/// <summary>The CRC-32 of MPEG-2 PSI sections (ISO/IEC 13818-1 annex A: polynomial 0x04C11DB7, initial value all ones, no reflection).</summary>
internal static class MpegTsCrc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>
    /// Computes the CRC of <paramref name="data"/>. Over a whole section, CRC_32 field included, the result is 0 when
    /// the section is intact.
    /// </summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        uint[] table = Table;
        foreach (byte b in data)
        {
            crc = (crc << 8) ^ table[(crc >> 24) ^ b];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i << 24;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80000000u) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
            }

            table[i] = crc;
        }

        return table;
    }
}
