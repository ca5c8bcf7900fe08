namespace Uplink.Media.Mp4;

/// <summary>One box inside a buffered parent: its type, where it starts in the file, and its payload.</summary>
/// <param name="type">The four-character type.</param>
/// <param name="offset">The absolute byte offset of the box's first header byte.</param>
/// <param name="payloadOffset">The absolute byte offset of the first payload byte.</param>
/// <param name="payload">The bytes after the header.</param>
internal readonly ref struct Mp4Box(uint type, long offset, long payloadOffset, ReadOnlySpan<byte> payload)
{
    public uint Type { get; } = type;

    public long Offset { get; } = offset;

    public long PayloadOffset { get; } = payloadOffset;

    /// <summary>The bytes after the header (for a full box, starting with version and flags).</summary>
    public ReadOnlySpan<byte> Payload { get; } = payload;

    public string Name => Mp4FourCc.Name(Type);

    /// <summary>Checks that a full box's payload holds its version, flags and <paramref name="fieldBytes"/> more bytes.</summary>
    public void RequireFullBox(int fieldBytes)
    {
        if (Payload.Length < 4 + fieldBytes)
        {
            throw Mp4Errors.Invalid($"box '{Name}' at offset {Offset} has {Payload.Length} bytes of payload, fewer than the {4 + fieldBytes} its fields need");
        }
    }

    /// <summary>A full box's version (its payload must hold version and flags).</summary>
    public byte Version
    {
        get
        {
            RequireFullBox(0);
            return Payload[0];
        }
    }

    /// <summary>A full box's 24-bit flags (its payload must hold version and flags).</summary>
    public uint Flags
    {
        get
        {
            RequireFullBox(0);
            return (uint)(Payload[1] << 16 | Payload[2] << 8 | Payload[3]);
        }
    }

    /// <summary>
    /// Checks that <paramref name="count"/> entries of <paramref name="entrySize"/> bytes fit in the payload after
    /// <paramref name="headerBytes"/> bytes, and returns the count.
    /// </summary>
    public int CheckEntries(int headerBytes, uint count, int entrySize)
    {
        long available = Payload.Length - headerBytes;
        if ((long)count * entrySize > available)
        {
            throw Mp4Errors.Invalid($"box '{Name}' at offset {Offset} claims {count} entries in {Payload.Length + (PayloadOffset - Offset)} bytes");
        }

        return (int)count;
    }
}
