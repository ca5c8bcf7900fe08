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

    /// <summary>Copies a tag body into a pooled buffer.</summary>
    public static OutgoingMessage Create(RtmpMessageType type, long timestampMs, ReadOnlySpan<byte> body, bool isConfiguration)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        body.CopyTo(buffer);
        return new OutgoingMessage(type, timestampMs, buffer, body.Length, isConfiguration);
    }

    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
