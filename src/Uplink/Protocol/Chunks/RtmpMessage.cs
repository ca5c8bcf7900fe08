using System.Buffers;

namespace Uplink.Protocol.Chunks;

/// <summary>
/// A reassembled incoming message. The payload lives in a pooled array: call <see cref="Dispose"/>
/// once done with it (the reader hands ownership to the caller).
/// </summary>
public readonly struct RtmpMessage : IDisposable
{
    private readonly byte[]? _buffer;

    /// <summary>A message whose payload is the first <c>header.Length</c> bytes of <paramref name="buffer"/>, rented from
    /// <see cref="ArrayPool{T}.Shared"/>; the message returns it on <see cref="Dispose"/>.</summary>
    /// <param name="chunkStreamId">The chunk stream it arrived on.</param>
    /// <param name="header">Its header.</param>
    /// <param name="buffer">The pooled payload buffer, or null for an empty payload.</param>
    public RtmpMessage(int chunkStreamId, RtmpMessageHeader header, byte[]? buffer)
    {
        ChunkStreamId = chunkStreamId;
        Header = header;
        _buffer = buffer;
    }

    /// <summary>The chunk stream the message arrived on.</summary>
    public int ChunkStreamId { get; }

    /// <summary>The message header.</summary>
    public RtmpMessageHeader Header { get; }

    /// <summary>The payload; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Payload => _buffer is null ? default : _buffer.AsSpan(0, Header.Length);

    /// <summary>The payload as memory, for consumers that await while holding it; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> PayloadMemory => _buffer is null ? default : _buffer.AsMemory(0, Header.Length);

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
