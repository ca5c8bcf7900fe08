using Uplink.Protocol.Chunks;

namespace Uplink.Protocol;

/// <summary>Where a connection queues outgoing messages; the control and command encoders write through it, so a
/// connection can observe (trace, refuse after close) every message whatever builds it.</summary>
public interface IRtmpMessageSink
{
    /// <summary>Queues one message for the next flush (the caller holds the send lock).</summary>
    void Enqueue(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlySpan<byte> payload);
}
