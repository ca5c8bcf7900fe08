using System.Buffers.Binary;

namespace Uplink.Media.Mp4;

/// <summary>
/// Walks the child boxes of a buffered parent, checking every size against what is left of the parent.
/// A tail shorter than a box header (QuickTime's 4-byte terminators) ends the walk quietly.
/// </summary>
internal ref struct Mp4BoxIterator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly uint _parentType;
    private int _position;

    /// <param name="data">The parent's children (its payload, after any fields of its own).</param>
    /// <param name="baseOffset">The absolute offset of <paramref name="data"/>'s first byte.</param>
    /// <param name="parentType">The parent's type, for messages.</param>
    public Mp4BoxIterator(ReadOnlySpan<byte> data, long baseOffset, uint parentType)
    {
        _data = data;
        _baseOffset = baseOffset;
        _parentType = parentType;
        _position = 0;
    }

    /// <summary>Finds the first child of <paramref name="type"/>, checking the siblings before it.</summary>
    public static bool TryFind(ReadOnlySpan<byte> data, long baseOffset, uint parentType, uint type, out Mp4Box found)
    {
        var children = new Mp4BoxIterator(data, baseOffset, parentType);
        while (children.MoveNext(out Mp4Box box))
        {
            if (box.Type == type)
            {
                found = box;
                return true;
            }
        }

        found = default;
        return false;
    }

    /// <summary>Reads the next child; false when the parent has no more.</summary>
    public bool MoveNext(out Mp4Box box)
    {
        box = default;
        int left = _data.Length - _position;
        if (left < 8)
        {
            return false;
        }

        ReadOnlySpan<byte> header = _data[_position..];
        long offset = _baseOffset + _position;
        ulong size = BinaryPrimitives.ReadUInt32BigEndian(header);
        uint type = Mp4FourCc.Read(header[4..]);
        int headerSize = 8;
        if (size == 1)
        {
            if (left < 16)
            {
                throw Mp4Errors.Invalid($"box '{Mp4FourCc.Name(type)}' at offset {offset} has a 64-bit size but only {left} bytes are left in '{Mp4FourCc.Name(_parentType)}'");
            }

            size = BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
            headerSize = 16;
        }
        else if (size == 0)
        {
            size = (ulong)left;
        }

        if (size < (ulong)headerSize)
        {
            throw Mp4Errors.Invalid($"box '{Mp4FourCc.Name(type)}' at offset {offset} claims {size} bytes, less than its {headerSize}-byte header");
        }

        if (size > (ulong)left)
        {
            throw Mp4Errors.Invalid($"box '{Mp4FourCc.Name(type)}' at offset {offset} claims {size} bytes, more than the {left} left in '{Mp4FourCc.Name(_parentType)}'");
        }

        box = new Mp4Box(type, offset, offset + headerSize, header.Slice(headerSize, (int)size - headerSize));
        _position += (int)size;
        return true;
    }
}
