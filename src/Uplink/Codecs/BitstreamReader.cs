namespace Uplink.Codecs;

/// <summary>
/// Reads an MSB-first bit string (an H.264 RBSP or an AAC AudioSpecificConfig), including Exp-Golomb codes.
/// Reading past the end throws <see cref="InvalidDataException"/> naming <c>what</c> was being read.
/// </summary>
internal ref struct BitstreamReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _bitPosition;

    /// <param name="data">The bits, emulation prevention already removed.</param>
    /// <param name="what">Names the structure in error messages, for example "SPS".</param>
    public BitstreamReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _bitPosition = 0;
    }

    /// <summary>The position of the next bit, counted from the first bit of the data.</summary>
    public readonly int BitPosition => _bitPosition;

    /// <summary>The number of bits not yet read.</summary>
    public readonly int BitsLeft => (_data.Length * 8) - _bitPosition;

    /// <summary>Reads one bit.</summary>
    public bool ReadBit()
    {
        if (_bitPosition >= _data.Length * 8)
        {
            throw EndOfData();
        }

        int bit = (_data[_bitPosition >> 3] >> (7 - (_bitPosition & 7))) & 1;
        _bitPosition++;
        return bit != 0;
    }

    /// <summary>Reads <paramref name="count"/> bits (0 to 32) as an unsigned number.</summary>
    public uint ReadBits(int count)
    {
        if (count > BitsLeft)
        {
            throw EndOfData();
        }

        uint value = 0;
        for (int i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)((_data[_bitPosition >> 3] >> (7 - (_bitPosition & 7))) & 1);
            _bitPosition++;
        }

        return value;
    }

    /// <summary>Skips <paramref name="count"/> bits.</summary>
    public void SkipBits(int count)
    {
        if (count > BitsLeft)
        {
            throw EndOfData();
        }

        _bitPosition += count;
    }

    /// <summary>Reads ue(v), an unsigned Exp-Golomb code of at most 32 leading zeros.</summary>
    public uint ReadUnsignedExpGolomb()
    {
        int start = _bitPosition;
        int leadingZeros = 0;
        while (!ReadBit())
        {
            if (++leadingZeros > 31)
            {
                throw new InvalidDataException($"{_what} has an Exp-Golomb code longer than 32 bits at bit {start}");
            }
        }

        return (uint)((1UL << leadingZeros) - 1 + ReadBits(leadingZeros));
    }

    /// <summary>Reads se(v), a signed Exp-Golomb code.</summary>
    public int ReadSignedExpGolomb()
    {
        uint code = ReadUnsignedExpGolomb();
        long magnitude = ((long)code + 1) / 2;
        return (int)((code & 1) != 0 ? magnitude : -magnitude);
    }

    /// <summary>Reads ue(v) and refuses values above <paramref name="max"/>.</summary>
    public uint ReadUnsignedExpGolomb(uint max, string field)
    {
        int start = _bitPosition;
        uint value = ReadUnsignedExpGolomb();
        if (value > max)
        {
            throw new InvalidDataException($"{_what} {field} is {value} at bit {start}, more than the allowed {max}");
        }

        return value;
    }

    private readonly InvalidDataException EndOfData() =>
        new($"{_what} ends early: {_data.Length} bytes, read up to bit {_bitPosition}");
}
