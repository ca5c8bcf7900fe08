namespace Uplink.Media.Matroska;

/// <summary>
/// Walks the children of a master element held whole in memory (the EBML header, Info, Tracks, a BlockGroup).
/// A child that is malformed, has an unknown size or runs past its parent is an <see cref="InvalidDataException"/>
/// naming its offset.
/// </summary>
internal ref struct EbmlChildren
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _offset;
    private readonly string _parent;
    private int _position;

    /// <param name="data">The parent's data (its children, header excluded).</param>
    /// <param name="offset">The stream offset of <paramref name="data"/>, for messages.</param>
    /// <param name="parent">The parent's name, for messages.</param>
    public EbmlChildren(ReadOnlySpan<byte> data, long offset, string parent)
    {
        _data = data;
        _offset = offset;
        _parent = parent;
    }

    /// <summary>Moves to the next child.</summary>
    /// <param name="id">The child's ID.</param>
    /// <param name="payload">The child's data.</param>
    /// <param name="offset">The stream offset of the child's header.</param>
    /// <returns>False after the last child.</returns>
    public bool MoveNext(out uint id, out ReadOnlySpan<byte> payload, out long offset)
    {
        offset = _offset + _position;
        if (_position >= _data.Length)
        {
            id = 0;
            payload = default;
            return false;
        }

        ReadOnlySpan<byte> rest = _data[_position..];
        EbmlHeaderStatus status = Ebml.TryReadHeader(rest, out EbmlElementHeader header);
        if (status != EbmlHeaderStatus.Read)
        {
            throw MatroskaErrors.Invalid($"the element at offset {offset} in the {_parent} is malformed ({(status == EbmlHeaderStatus.Invalid ? "not a valid EBML ID and size" : "its header runs past the end of the " + _parent)})");
        }

        if (header.IsUnknownSize || header.Size > rest.Length - header.HeaderSize)
        {
            throw MatroskaErrors.Invalid($"element 0x{header.Id:X} at offset {offset} claims {(header.IsUnknownSize ? "an unknown size" : $"{header.Size} bytes")}, more than the {rest.Length - header.HeaderSize} left in the {_parent}");
        }

        id = header.Id;
        payload = rest.Slice(header.HeaderSize, (int)header.Size);
        _position += header.HeaderSize + (int)header.Size;
        return true;
    }
}
