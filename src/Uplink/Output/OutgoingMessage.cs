using System.Buffers;
using Uplink.Chunks;

namespace Uplink.Output;

/// <summary>One FLV tag body waiting to be sent: a pooled buffer, its timestamp (ms, unbounded) and what it is.</summary>
internal readonly struct OutgoingMessage
{
    public OutgoingMessage(RtmpMessageType type, long timestampMs, byte[] buffer, int length, bool isConfiguration)
    {
        Type = type;
        TimestampMs = timestampMs;
        Buffer = buffer;
        Length = length;
        IsConfiguration = isConfiguration;
    }

    public RtmpMessageType Type { get; }

    public long TimestampMs { get; }

    public byte[] Buffer { get; }

    public int Length { get; }

    public bool IsConfiguration { get; }

    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);

    /// <summary>A video frame a decoder can start from (FLV frame type 1), not a sequence header.</summary>
    public bool IsVideoKeyframe => Type == RtmpMessageType.Video && !IsConfiguration && Length > 0 && Buffer[0] >> 4 == 1;

    /// <summary>Copies a tag body into a pooled buffer.</summary>
    public static OutgoingMessage Create(RtmpMessageType type, long timestampMs, ReadOnlySpan<byte> body, bool isConfiguration)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        body.CopyTo(buffer);
        return new OutgoingMessage(type, timestampMs, buffer, body.Length, isConfiguration);
    }

    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
