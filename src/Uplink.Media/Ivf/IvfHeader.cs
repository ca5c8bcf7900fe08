using System.Buffers.Binary;

namespace Uplink.Media.Ivf;

/// <summary>
/// The 32-byte IVF file header (little-endian): "DKIF", version, header length, FourCC, width, height, time base
/// denominator and numerator, frame count, 4 unused bytes. Each frame follows with a 12-byte header: its size (32 bits)
/// and its timestamp in time base units (64 bits).
/// </summary>
internal readonly record struct IvfHeader(string FourCc, int Width, int Height, uint TimeBaseNumerator, uint TimeBaseDenominator, int HeaderLength)
{
    /// <summary>The size of the file header the format defines.</summary>
    public const int Size = 32;

    /// <summary>The size of each frame's header.</summary>
    public const int FrameHeaderSize = 12;

    /// <summary>The longest header length accepted (a writer may add fields; none does in practice).</summary>
    public const int MaxHeaderLength = 64 * 1024;

    /// <summary>Parses the file header from its first <see cref="Size"/> bytes.</summary>
    /// <exception cref="InvalidDataException">It is not an IVF header, or its header length or time base is invalid.</exception>
    public static IvfHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || !data[..4].SequenceEqual("DKIF"u8))
        {
            throw IvfErrors.Invalid($"not an IVF file: it starts with {Convert.ToHexString(data[..Math.Min(4, data.Length)])}, not DKIF");
        }

        if (data.Length < Size)
        {
            throw IvfErrors.Invalid($"the stream ends at offset {data.Length}, inside the {Size}-byte file header");
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        if (headerLength < Size)
        {
            throw IvfErrors.Invalid($"the file header at offset 0 declares a header length of {headerLength} bytes (offset 6), less than {Size}");
        }

        uint denominator = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        uint numerator = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (denominator == 0 || numerator == 0)
        {
            throw IvfErrors.Invalid($"the file header declares a time base of {numerator}/{denominator} (offset 16), which has no duration");
        }

        string fourCc = string.Create(4, data[8..12].ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < 4; i++)
            {
                chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
            }
        });
        return new IvfHeader(fourCc, BinaryPrimitives.ReadUInt16LittleEndian(data[12..]), BinaryPrimitives.ReadUInt16LittleEndian(data[14..]), numerator, denominator, headerLength);
    }

    /// <summary>A FourCC's codec name for messages: AV1, VP9, VP8, or the FourCC itself.</summary>
    public static string CodecName(string fourCc) => fourCc switch
    {
        "AV01" => "AV1",
        "VP90" => "VP9",
        "VP80" => "VP8",
        _ => $"codec {fourCc}",
    };
}
