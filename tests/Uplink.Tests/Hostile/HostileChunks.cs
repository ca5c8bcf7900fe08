using System.Buffers.Binary;

namespace Uplink.Tests.Hostile;

/// <summary>Builds the raw bytes a hostile server sends: chunk headers of any form, messages chunked at any size, control payloads.</summary>
internal sealed class HostileChunks
{
    private readonly List<byte> _bytes = [];

    /// <summary>The chunk size messages are split at; follows <see cref="SetChunkSize"/>.</summary>
    public int ChunkSize { get; private set; } = 128;

    public byte[] ToArray() => [.. _bytes];

    public static implicit operator byte[](HostileChunks chunks) => chunks.ToArray();

    /// <summary>A basic header: 1 byte for ids 2–63, 2 bytes (id 0 form) for 64–319, 3 bytes (id 1 form) above.</summary>
    public HostileChunks BasicHeader(int fmt, int csid)
    {
        if (csid is >= 2 and <= 63)
        {
            _bytes.Add((byte)((fmt << 6) | csid));
        }
        else if (csid is >= 64 and <= 319)
        {
            _bytes.Add((byte)(fmt << 6));
            _bytes.Add((byte)(csid - 64));
        }
        else
        {
            _bytes.Add((byte)((fmt << 6) | 1));
            _bytes.Add((byte)((csid - 64) & 0xFF));
            _bytes.Add((byte)((csid - 64) >> 8));
        }

        return this;
    }

    /// <summary>A whole message: a type-0 chunk then type-3 chunks, extended timestamps where the timestamp needs one.</summary>
    public HostileChunks Message(int csid, byte type, byte[] payload, uint timestamp = 0, uint streamId = 0, int? announcedLength = null)
    {
        int length = announcedLength ?? payload.Length;
        bool extended = timestamp >= 0xFFFFFF;
        BasicHeader(0, csid);
        UInt24(extended ? 0xFFFFFF : timestamp).UInt24((uint)length);
        _bytes.Add(type);
        Span<byte> sid = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(sid, streamId);
        _bytes.AddRange(sid.ToArray());
        if (extended)
        {
            UInt32(timestamp);
        }

        for (int at = 0; at < payload.Length || (at == 0 && payload.Length == 0); at += ChunkSize)
        {
            if (at > 0)
            {
                BasicHeader(3, csid);
                if (extended)
                {
                    UInt32(timestamp);
                }
            }

            _bytes.AddRange(payload.AsSpan(at, Math.Min(ChunkSize, payload.Length - at)).ToArray());
            if (payload.Length == 0)
            {
                break;
            }
        }

        return this;
    }

    /// <summary>Set Chunk Size on chunk stream 2; later messages are split at it (up to what a test can send).</summary>
    public HostileChunks SetChunkSize(uint size)
    {
        Message(2, 1, BigEndian(size));
        if (size is > 0 and <= 1 << 24)
        {
            ChunkSize = (int)size;
        }

        return this;
    }

    /// <summary>A ping request the client must answer; proves it read everything before it.</summary>
    public HostileChunks Ping(uint stamp) => Message(2, 4, [0, 6, .. BigEndian(stamp)]);

    public HostileChunks Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public HostileChunks UInt24(uint value)
    {
        _bytes.Add((byte)(value >> 16));
        _bytes.Add((byte)(value >> 8));
        _bytes.Add((byte)value);
        return this;
    }

    public HostileChunks UInt32(uint value)
    {
        _bytes.AddRange(BigEndian(value));
        return this;
    }

    public static byte[] BigEndian(uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }
}
