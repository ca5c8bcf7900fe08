namespace Uplink.Codecs.Av1;

/// <summary>
/// Allocation-free enumerator over the OBUs of a temporal unit in the Low Overhead Bitstream Format (AV1 specification
/// 5.2). Every OBU carries obu_size, except that the last one may leave it out and fill the rest of the buffer, as the
/// AV1 ISOBMFF binding (2.4) allows for a sample. Malformed framing throws <see cref="InvalidDataException"/> naming the
/// offset, while enumerating.
/// </summary>
internal ref struct Av1ObuEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private readonly bool _requireSizeFields;
    private int _offset;
    private ReadOnlySpan<byte> _current;
    private int _currentOffset;
    private int _currentHeaderLength;
    private int _currentExtension;

    /// <param name="data">The OBUs.</param>
    /// <param name="what">Names the buffer in error messages, for example "temporal unit".</param>
    /// <param name="requireSizeFields">
    /// True where every OBU must carry obu_size (the configOBUs of an av1C); false where the last may fill the rest.
    /// </param>
    public Av1ObuEnumerator(ReadOnlySpan<byte> data, string what = "temporal unit", bool requireSizeFields = false)
    {
        _data = data;
        _what = what;
        _requireSizeFields = requireSizeFields;
        _offset = 0;
        _current = default;
        _currentOffset = 0;
        _currentHeaderLength = 0;
        _currentExtension = -1;
    }

    /// <summary>The current OBU.</summary>
    public readonly Av1Obu Current => new(_current, _currentOffset, _currentHeaderLength, _currentExtension);

    /// <summary>Returns this enumerator, so that it works in <c>foreach</c>.</summary>
    public readonly Av1ObuEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next OBU.</summary>
    /// <exception cref="InvalidDataException">An OBU header or size is malformed or runs past the end.</exception>
    public bool MoveNext()
    {
        if (_offset >= _data.Length)
        {
            return false;
        }

        int start = _offset;
        byte header = _data[start];
        if ((header & 0x80) != 0)
        {
            throw new InvalidDataException($"{_what} OBU header at offset {start} has obu_forbidden_bit set");
        }

        bool hasExtension = (header & 0x04) != 0;
        bool hasSize = (header & 0x02) != 0;
        int position = start + 1;
        int extension = -1;
        if (hasExtension)
        {
            if (position >= _data.Length)
            {
                throw new InvalidDataException($"{_what} OBU at offset {start} ends inside its extension header");
            }

            extension = _data[position++];
        }

        long payloadLength;
        if (hasSize)
        {
            payloadLength = Leb128.Read(_data, position, _what, "OBU size", out int sizeLength);
            position += sizeLength;
        }
        else if (_requireSizeFields)
        {
            throw new InvalidDataException($"{_what} OBU at offset {start} has no obu_size field");
        }
        else
        {
            payloadLength = _data.Length - position;
        }

        if (payloadLength > _data.Length - position)
        {
            throw new InvalidDataException(
                $"{_what} OBU at offset {start} declares {payloadLength} payload bytes, but {_data.Length - position} follow");
        }

        int end = position + (int)payloadLength;
        _current = _data[start..end];
        _currentOffset = start;
        _currentHeaderLength = position - start;
        _currentExtension = extension;
        _offset = end;
        return true;
    }
}
