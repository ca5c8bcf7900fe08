using System.Buffers.Binary;

namespace Uplink.Media;

/// <summary>
/// The numbers the readers take from an FLV onMetaData body. Found by their property key rather than by decoding
/// the AMF0, so a malformed or exotic value elsewhere in the metadata does not lose them.
/// </summary>
internal static class FlvOnMetaData
{
    /// <summary>The "duration" property, if positive.</summary>
    public static TimeSpan? ReadDuration(ReadOnlySpan<byte> body) =>
        ReadNumber(body, "\0\u0008duration\0"u8) is double seconds && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>The "videodatarate" and "audiodatarate" properties (kbit/s), those that are positive.</summary>
    public static MediaDataRates ReadDataRates(ReadOnlySpan<byte> body) =>
        new(ReadNumber(body, "\0\u000Dvideodatarate\0"u8), ReadNumber(body, "\0\u000Daudiodatarate\0"u8));

    /// <summary>
    /// A positive number property of an object or ECMA array, found by <paramref name="key"/>: the name's 16-bit
    /// length, the name, and the number marker.
    /// </summary>
    private static double? ReadNumber(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        int at = body.IndexOf(key);
        if (at < 0 || body.Length - (at + key.Length) < sizeof(double))
        {
            return null;
        }

        double value = BinaryPrimitives.ReadDoubleBigEndian(body[(at + key.Length)..]);
        return double.IsFinite(value) && value > 0 ? value : null;
    }
}
