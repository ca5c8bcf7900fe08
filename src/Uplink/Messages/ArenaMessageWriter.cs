using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Messages;

/// <summary>
/// Writes one tag body straight into a <see cref="MessageArena"/> (no staging copy): the tag builders write through
/// <see cref="IBufferWriter{T}"/> with one <see cref="GetSpan"/> of the size they need at most, then
/// <see cref="Commit"/> makes the message. One message at a time; not thread-safe (the writer's lock guards it).
/// </summary>
internal sealed class ArenaMessageWriter(MessageArena arena) : IBufferWriter<byte>
{
    private ArenaReservation _reservation;
    private bool _reserved;
    private int _written;

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (!_reserved)
        {
            _reservation = arena.Reserve(sizeHint);
            _reserved = true;
        }
        else if (_reservation.Size - _written < sizeHint)
        {
            // Rare: a builder asking twice. Move what is written to a larger reservation.
            ArenaReservation larger = arena.Reserve(checked(_written + sizeHint));
            _reservation.Span[.._written].CopyTo(larger.Span);
            arena.Abandon(_reservation);
            _reservation = larger;
        }

        return _reservation.Span[_written..];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _reservation.Buffer.AsMemory(_reservation.Offset + _written, _reservation.Size - _written);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!_reserved || _written + count > _reservation.Size)
        {
            throw new InvalidOperationException("Advance past the span handed out.");
        }

        _written += count;
    }

    /// <summary>Makes the message from what was written.</summary>
    public OutgoingMessage Commit(RtmpMessageType type, long timestampMs, bool isConfiguration, bool isNonReference = false)
    {
        if (!_reserved)
        {
            GetSpan(0);
        }

        OutgoingMessage message = arena.Commit(_reservation, _written, type, timestampMs, isConfiguration, isNonReference);
        _reserved = false;
        _written = 0;
        return message;
    }

    /// <summary>Gives back what was reserved when no message is made (the builder threw).</summary>
    public void Abandon()
    {
        if (_reserved)
        {
            arena.Abandon(_reservation);
            _reserved = false;
            _written = 0;
        }
    }
}
