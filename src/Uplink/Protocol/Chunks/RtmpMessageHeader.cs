namespace Uplink.Protocol.Chunks;

/// <summary>The header of one RTMP message: 32-bit timestamp (ms, wraps at 2^32), payload length (24-bit), type and message stream id.</summary>
internal readonly record struct RtmpMessageHeader(uint Timestamp, int Length, RtmpMessageType Type, uint StreamId);
