using System.Buffers.Binary;

namespace Uplink.Codecs;

/// <summary>H.264 byte-stream format (ITU-T H.264 annex B): NAL units separated by 00 00 01 start codes.</summary>
public static class AnnexB
{
    /// <summary>The three-byte start code; a four-byte start code is a zero byte followed by it.</summary>
    public static ReadOnlySpan<byte> StartCode => [0, 0, 1];

    /// <summary>True when <paramref name="data"/> begins with 00 00 01 or 00 00 00 01.</summary>
    internal static bool StartsWithStartCode(ReadOnlySpan<byte> data) =>
        data.StartsWith(StartCode) || (data.Length >= 4 && data[0] == 0 && data[1..4].SequenceEqual(StartCode));

    /// <summary>
    /// Enumerates the NAL units of an Annex-B buffer without their start codes and without the zero bytes
    /// that precede the next start code. Bytes before the first start code are ignored; empty NAL units are skipped.
    /// </summary>
    public static NalUnitEnumerator EnumerateNalUnits(ReadOnlySpan<byte> data) => new(data);

    /// <summary>The number of bytes <see cref="WriteLengthPrefixed"/> writes for <paramref name="annexB"/>.</summary>
    internal static int GetLengthPrefixedSize(ReadOnlySpan<byte> annexB)
    {
        int size = 0;
        foreach (ReadOnlySpan<byte> nal in EnumerateNalUnits(annexB))
        {
            size = checked(size + 4 + nal.Length);
        }

        return size;
    }

    /// <summary>
    /// Writes every NAL unit of <paramref name="annexB"/> prefixed by its 4-byte big-endian length.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    internal static int WriteLengthPrefixed(ReadOnlySpan<byte> annexB, Span<byte> destination)
    {
        int written = 0;
        foreach (ReadOnlySpan<byte> nal in EnumerateNalUnits(annexB))
        {
            if (destination.Length - written < 4 + nal.Length)
            {
                throw new ArgumentException(
                    $"destination holds {destination.Length} bytes, too small for the length-prefixed NAL units", nameof(destination));
            }

            BinaryPrimitives.WriteInt32BigEndian(destination[written..], nal.Length);
            nal.CopyTo(destination[(written + 4)..]);
            written += 4 + nal.Length;
        }

        return written;
    }
}
