using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Messages;

/// <summary>
/// One FLV tag body waiting to be sent: its bytes (a slice of a <see cref="MessageArena"/> block; in tests, a pooled array
/// of its own), its timestamp (ms, unbounded) and what it is. Each holder releases it once; a holder that passes it on
/// to another (a second destination) adds a reference first.
/// </summary>
internal readonly struct OutgoingMessage
{
    private readonly ArenaBlock? _owner;

    public OutgoingMessage(RtmpMessageType type, long timestampMs, byte[] buffer, int offset, int length, bool isConfiguration, bool isNonReference, ArenaBlock? owner)
    {
        // The clock is read only while someone listens to the latency histogram (0 otherwise: not measured).
        QueuedAt = UplinkMetrics.SendLatency.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        Type = type;
        TimestampMs = timestampMs;
        Buffer = buffer;
        Offset = offset;
        Length = length;
        IsConfiguration = isConfiguration;
        IsNonReference = isNonReference;
        _owner = owner;
    }

    public RtmpMessageType Type { get; }

    /// <summary>When the message was made (<see cref="System.Diagnostics.Stopwatch"/> ticks): the start of its send latency; 0 when nobody was measuring it.</summary>
    public long QueuedAt { get; }

    public long TimestampMs { get; }

    public byte[] Buffer { get; }

    public int Offset { get; }

    public int Length { get; }

    public bool IsConfiguration { get; }

    /// <summary>The track of its kind the message belongs to (0, the default track; others are Multitrack packets).</summary>
    public byte Track { get; init; }

    /// <summary>A video frame no other frame refers to (non-reference picture): live mode drops these first.</summary>
    public bool IsNonReference { get; }

    /// <summary>False for a default value (a dropped message's place in the queue).</summary>
    public bool IsPresent => Buffer is not null;

    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(Offset, Length);

    /// <summary>A video frame a decoder can start from (FLV frame type 1, legacy or extended header), not a sequence header.</summary>
    public bool IsVideoKeyframe => Type == RtmpMessageType.Video && !IsConfiguration && Length > 0 && ((Buffer[Offset] >> 4) & 7) == 1;

    /// <summary>A video frame that is not a keyframe nor a sequence header (it depends on earlier frames).</summary>
    public bool IsVideoInterFrame => Type == RtmpMessageType.Video && !IsConfiguration && !IsVideoKeyframe;

    /// <summary>Copies a tag body into an array of its own from the shared pool.</summary>
    public static OutgoingMessage Create(RtmpMessageType type, long timestampMs, ReadOnlySpan<byte> body, bool isConfiguration, bool isNonReference = false)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        body.CopyTo(buffer);
        return new OutgoingMessage(type, timestampMs, buffer, 0, body.Length, isConfiguration, isNonReference, owner: null);
    }

    /// <summary>One more holder (another destination): the bytes stay until every holder has released them.</summary>
    public void AddReference()
    {
        if (_owner is null)
        {
            throw new InvalidOperationException("Only a message from a MessageArena can be shared.");
        }

        _owner.Arena.AddReference(_owner);
    }

    /// <summary>Gives the bytes back (to the arena block or the shared pool); call once.</summary>
    public void Release()
    {
        if (_owner is not null)
        {
            _owner.Arena.Release(_owner);
        }
        else if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
