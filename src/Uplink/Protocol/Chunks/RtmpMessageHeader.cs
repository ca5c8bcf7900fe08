namespace Uplink.Protocol.Chunks;

/// <summary>The header of one RTMP message.</summary>
/// <param name="Timestamp">Milliseconds, wrapping at 2^32.</param>
/// <param name="Length">The payload length (24-bit).</param>
/// <param name="Type">The message type.</param>
/// <param name="StreamId">The message stream id (0 for the connection itself).</param>
public readonly record struct RtmpMessageHeader(uint Timestamp, int Length, RtmpMessageType Type, uint StreamId);
