using System.Buffers.Binary;
using Uplink.Protocol.Chunks;

namespace Uplink.Protocol;

/// <summary>
/// The protocol control and user control messages both ends send (RTMP specification 5.4 and 6.2), encoded onto the
/// control chunk stream, and the readers for their payloads.
/// </summary>
public static class ProtocolControl
{
    private const ushort StreamBeginEvent = 0;
    private const ushort PingRequestEvent = 6;
    private const ushort PingResponseEvent = 7;

    /// <summary>Queues a control message whose payload is one 32-bit value: Set Chunk Size, Acknowledgement or
    /// Window Acknowledgement Size.</summary>
    public static void EnqueueUInt32(IRtmpMessageSink sink, RtmpMessageType type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        sink.Enqueue(ChunkStreamIds.Control, type, 0, 0, payload);
    }

    /// <summary>Queues Set Peer Bandwidth with a limit type (0 hard, 1 soft, 2 dynamic).</summary>
    public static void EnqueueSetPeerBandwidth(IRtmpMessageSink sink, uint windowSize, byte limitType)
    {
        Span<byte> payload = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, windowSize);
        payload[4] = limitType;
        sink.Enqueue(ChunkStreamIds.Control, RtmpMessageType.SetPeerBandwidth, 0, 0, payload);
    }

    /// <summary>Queues the user control event Stream Begin for <paramref name="streamId"/>.</summary>
    public static void EnqueueStreamBegin(IRtmpMessageSink sink, uint streamId) => EnqueueUserControl(sink, StreamBeginEvent, streamId);

    /// <summary>Queues the answer to a ping request, echoing its timestamp.</summary>
    public static void EnqueuePingResponse(IRtmpMessageSink sink, uint timestamp) => EnqueueUserControl(sink, PingResponseEvent, timestamp);

    /// <summary>Reads a control message's 32-bit value; false when the payload is too short to hold one.</summary>
    public static bool TryReadUInt32(ReadOnlySpan<byte> payload, out uint value)
    {
        if (payload.Length < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(payload);
        return true;
    }

    /// <summary>Whether a user control payload is a ping request, and its timestamp.</summary>
    public static bool TryReadPingRequest(ReadOnlySpan<byte> payload, out uint timestamp)
    {
        if (payload.Length < 6 || BinaryPrimitives.ReadUInt16BigEndian(payload) != PingRequestEvent)
        {
            timestamp = 0;
            return false;
        }

        timestamp = BinaryPrimitives.ReadUInt32BigEndian(payload[2..]);
        return true;
    }

    private static void EnqueueUserControl(IRtmpMessageSink sink, ushort eventType, uint value)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, eventType);
        BinaryPrimitives.WriteUInt32BigEndian(payload[2..], value);
        sink.Enqueue(ChunkStreamIds.Control, RtmpMessageType.UserControl, 0, 0, payload);
    }
}
