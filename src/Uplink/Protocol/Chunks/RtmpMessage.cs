using System.Buffers;

namespace Uplink.Protocol.Chunks;

/// <summary>
/// A reassembled incoming message. The payload lives in a pooled array: call <see cref="Dispose"/>
/// once done with it (the reader hands ownership to the caller).
/// </summary>
internal readonly struct RtmpMessage : IDisposable
{
    private readonly byte[]? _buffer;

    public RtmpMessage(int chunkStreamId, RtmpMessageHeader header, byte[]? buffer)
    {
        ChunkStreamId = chunkStreamId;
        Header = header;
        _buffer = buffer;
    }

    public int ChunkStreamId { get; }

    public RtmpMessageHeader Header { get; }

    public ReadOnlySpan<byte> Payload => _buffer is null ? default : _buffer.AsSpan(0, Header.Length);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
