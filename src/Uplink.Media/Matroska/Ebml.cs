using System.Buffers.Binary;
using System.Text;

namespace Uplink.Media.Matroska;

/// <summary>What <see cref="Ebml.TryReadHeader"/> made of the bytes at an element's start.</summary>
internal enum EbmlHeaderStatus
{
    /// <summary>A well-formed ID and size.</summary>
    Read,

    /// <summary>The bytes end inside the header.</summary>
    NeedMoreData,

    /// <summary>The ID or the size is not a valid variable-size integer (a zero first byte, an ID over 4 bytes).</summary>
    Invalid,
}

/// <summary>An element's ID and data size, and how many bytes the two took.</summary>
/// <param name="Id">The ID with its length marker bits, as the specifications write it (0x1A45DFA3).</param>
/// <param name="HeaderSize">Bytes of ID and size.</param>
/// <param name="Size">Bytes of data, or <see cref="Ebml.UnknownSize"/> (all size bits set: the element runs until something that cannot be its child).</param>
internal readonly record struct EbmlElementHeader(uint Id, int HeaderSize, long Size)
{
    public bool IsUnknownSize => Size == Ebml.UnknownSize;
}

/// <summary>
/// EBML (RFC 8794) primitives: variable-size integers (IDs keep their length marker, sizes and values drop it) and
/// the unsigned, signed, float and string payloads Matroska uses.
/// </summary>
internal static class Ebml
{
    /// <summary>The size of an element whose size bits are all 1: it ends where its parent's next child starts.</summary>
    public const long UnknownSize = -1;

    /// <summary>The longest element header: a 4-byte ID (EBMLMaxIDLength) and an 8-byte size (EBMLMaxSizeLength).</summary>
    public const int MaxHeaderSize = 12;

    /// <summary>Reads an element header from the start of <paramref name="data"/>.</summary>
    public static EbmlHeaderStatus TryReadHeader(ReadOnlySpan<byte> data, out EbmlElementHeader header)
    {
        header = default;
        if (data.IsEmpty)
        {
            return EbmlHeaderStatus.NeedMoreData;
        }

        int idLength = Length(data[0]);
        if (idLength > 4)
        {
            return EbmlHeaderStatus.Invalid;
        }

        if (data.Length <= idLength)
        {
            return EbmlHeaderStatus.NeedMoreData;
        }

        uint id = 0;
        for (int i = 0; i < idLength; i++)
        {
            id = (id << 8) | data[i];
        }

        switch (TryReadVarInt(data[idLength..], out ulong size, out int sizeLength))
        {
            case EbmlHeaderStatus.NeedMoreData:
                return EbmlHeaderStatus.NeedMoreData;
            case EbmlHeaderStatus.Invalid:
                return EbmlHeaderStatus.Invalid;
        }

        bool unknown = size == (1UL << (7 * sizeLength)) - 1;
        header = new EbmlElementHeader(id, idLength + sizeLength, unknown ? UnknownSize : (long)size);
        return EbmlHeaderStatus.Read;
    }

    /// <summary>Reads a variable-size integer without its length marker (a size, a track number, a lace size).</summary>
    public static EbmlHeaderStatus TryReadVarInt(ReadOnlySpan<byte> data, out ulong value, out int length)
    {
        value = 0;
        length = 0;
        if (data.IsEmpty)
        {
            return EbmlHeaderStatus.NeedMoreData;
        }

        length = Length(data[0]);
        if (length > 8)
        {
            return EbmlHeaderStatus.Invalid;
        }

        if (data.Length < length)
        {
            return EbmlHeaderStatus.NeedMoreData;
        }

        value = data[0] & (0xFFUL >> length);
        for (int i = 1; i < length; i++)
        {
            value = (value << 8) | data[i];
        }

        return EbmlHeaderStatus.Read;
    }

    /// <summary>Reads a signed variable-size integer (EBML lacing's size differences): the unsigned value less half its range.</summary>
    public static EbmlHeaderStatus TryReadSignedVarInt(ReadOnlySpan<byte> data, out long value, out int length)
    {
        EbmlHeaderStatus status = TryReadVarInt(data, out ulong raw, out length);
        value = status == EbmlHeaderStatus.Read ? (long)raw - ((1L << ((7 * length) - 1)) - 1) : 0;
        return status;
    }

    /// <summary>A big-endian unsigned integer of 0 to 8 bytes (0 bytes is 0).</summary>
    public static ulong ReadUnsigned(ReadOnlySpan<byte> payload)
    {
        ulong value = 0;
        foreach (byte b in payload)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>A big-endian two's-complement integer of 0 to 8 bytes.</summary>
    public static long ReadSigned(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return 0;
        }

        long value = (sbyte)payload[0];
        for (int i = 1; i < payload.Length; i++)
        {
            value = (value << 8) | payload[i];
        }

        return value;
    }

    /// <summary>A big-endian IEEE float of 0 (0.0), 4 or 8 bytes; NaN for any other length.</summary>
    public static double ReadFloat(ReadOnlySpan<byte> payload) => payload.Length switch
    {
        0 => 0,
        4 => BinaryPrimitives.ReadSingleBigEndian(payload),
        8 => BinaryPrimitives.ReadDoubleBigEndian(payload),
        _ => double.NaN,
    };

    /// <summary>A string or UTF-8 element: the bytes up to the first zero (padding), invalid sequences replaced.</summary>
    public static string ReadString(ReadOnlySpan<byte> payload)
    {
        int end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }

    /// <summary>The length of a variable-size integer from its first byte: 1 + leading zero bits (9 for a zero byte).</summary>
    private static int Length(byte first) => first == 0 ? 9 : System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;
}
