using System.Buffers.Binary;
using System.Text;

namespace Uplink.Protocol.Amf;

/// <summary>
/// Reads AMF0 values from a span. Every length is checked against what is left, nesting is bounded,
/// and malformed input raises <see cref="InvalidDataException"/> naming the offset — never an
/// out-of-range read or an allocation larger than the input.
/// </summary>
public ref struct Amf0Reader
{
    /// <summary>How deep objects and arrays may nest.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>A reader at the start of <paramref name="data"/>.</summary>
    public Amf0Reader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>The offset of the next value.</summary>
    public readonly int Position => _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool IsAtEnd => _position >= _data.Length;

    /// <summary>Reads the next value: double, bool, string, null (for null and undefined), <see cref="AmfObject"/>
    /// (objects, ECMA arrays, typed objects), object?[] (strict arrays), or <see cref="DateTimeOffset"/>.</summary>
    public object? ReadValue() => ReadValue(0);

    /// <summary>Reads the next value and requires it to be a string.</summary>
    public string ReadString()
    {
        int at = _position;
        return ReadValue() as string ?? throw Malformed(at, "expected a string");
    }

    /// <summary>Reads the next value and requires it to be a number.</summary>
    public double ReadNumber()
    {
        int at = _position;
        return ReadValue() is double d ? d : throw Malformed(at, "expected a number");
    }

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Malformed(_position, $"values nest deeper than {MaxDepth} levels");
        }

        int at = _position;
        var marker = (Amf0Marker)Take(1)[0];
        switch (marker)
        {
            case Amf0Marker.Number:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case Amf0Marker.Boolean:
                return Take(1)[0] != 0;
            case Amf0Marker.String:
                return ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
            case Amf0Marker.LongString:
            case Amf0Marker.XmlDocument:
                return ReadUtf8(BinaryPrimitives.ReadUInt32BigEndian(Take(4)));
            case Amf0Marker.Null:
            case Amf0Marker.Undefined:
            case Amf0Marker.Unsupported:
                return null;
            case Amf0Marker.Object:
                return ReadProperties(new AmfObject(), depth);
            case Amf0Marker.TypedObject:
                string className = ReadUtf8(BinaryPrimitives.ReadUInt16BigEndian(Take(2)));
                return ReadProperties(new AmfObject { ClassName = className }, depth);
            case Amf0Marker.EcmaArray:
                Take(4); // the count is advisory; the end marker terminates the array
                return ReadProperties(new AmfObject(isEcmaArray: true), depth);
            case Amf0Marker.StrictArray:
                uint count = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
                if (count > (uint)(_data.Length - _position))
                {
                    throw Malformed(at, $"strict array of {count} items is longer than the {_data.Length - _position} bytes left");
                }

                var items = new object?[count];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = ReadValue(depth + 1);
                }

                return items;
            case Amf0Marker.Date:
                double ms = BinaryPrimitives.ReadDoubleBigEndian(Take(8));
                Take(2);
                if (double.IsNaN(ms) || ms < -62135596800000d || ms > 253402300799999d)
                {
                    throw Malformed(at, "date out of range");
                }

                return DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            default:
                throw Malformed(at, $"unsupported AMF0 type marker 0x{(byte)marker:X2}");
        }
    }

    private AmfObject ReadProperties(AmfObject target, int depth)
    {
        while (true)
        {
            int at = _position;
            int nameLength = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            if (nameLength == 0 && _position < _data.Length && _data[_position] == (byte)Amf0Marker.ObjectEnd)
            {
                _position++;
                return target;
            }

            if (_position >= _data.Length && nameLength == 0)
            {
                // Some encoders omit the end marker of the last object in a message; accept it as ended.
                return target;
            }

            string name = ReadUtf8((uint)nameLength);
            if (_position >= _data.Length)
            {
                throw Malformed(at, $"property '{name}' has no value");
            }

            target.Add(name, ReadValue(depth + 1));
        }
    }

    private string ReadUtf8(uint length)
    {
        if (length > (uint)(_data.Length - _position))
        {
            throw Malformed(_position, $"string of {length} bytes is longer than the {_data.Length - _position} bytes left");
        }

        return Encoding.UTF8.GetString(Take((int)length));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Malformed(_position, $"needs {count} more bytes, {_data.Length - _position} left");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static InvalidDataException Malformed(int offset, string what) => new($"AMF0: {what} at offset {offset}.");
}
