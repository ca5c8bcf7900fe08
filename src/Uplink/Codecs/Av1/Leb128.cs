namespace Uplink.Codecs.Av1;

/// <summary>
/// leb128() of the AV1 specification (4.10.5): little-endian groups of 7 bits, at most 8 bytes, a value that fits
/// 32 bits. OBU sizes use it.
/// </summary>
internal static class Leb128
{
    /// <summary>The most bytes a leb128() may take.</summary>
    public const int MaxBytes = 8;

    /// <summary>Reads a leb128() value at <paramref name="offset"/> of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes holding the value.</param>
    /// <param name="offset">Where the value starts; named in error messages.</param>
    /// <param name="owner">Names the buffer in error messages, for example "temporal unit".</param>
    /// <param name="field">Names the field in error messages, for example "OBU size".</param>
    /// <param name="length">The number of bytes the value took.</param>
    /// <exception cref="InvalidDataException">The value is cut short, longer than 8 bytes or over 2^32 - 1.</exception>
    public static uint Read(ReadOnlySpan<byte> data, int offset, string owner, string field, out int length)
    {
        ulong value = 0;
        for (int i = 0; i < MaxBytes; i++)
        {
            if (offset + i >= data.Length)
            {
                throw new InvalidDataException($"{owner} {field} at offset {offset} is cut short after {i} bytes");
            }

            byte b = data[offset + i];
            value |= (ulong)(b & 0x7F) << (i * 7);
            if ((b & 0x80) == 0)
            {
                if (value > uint.MaxValue)
                {
                    throw new InvalidDataException($"{owner} {field} at offset {offset} is {value}, more than 2^32 - 1");
                }

                length = i + 1;
                return (uint)value;
            }
        }

        throw new InvalidDataException($"{owner} {field} at offset {offset} is longer than {MaxBytes} bytes");
    }

    /// <summary>The number of bytes the shortest leb128() encoding of <paramref name="value"/> takes.</summary>
    public static int SizeOf(uint value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes the shortest leb128() encoding of <paramref name="value"/>, returning the bytes written.</summary>
    public static int Write(uint value, Span<byte> destination)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
