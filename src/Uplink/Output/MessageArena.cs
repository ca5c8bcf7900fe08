using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Output;

/// <summary>
/// Where one writer keeps the bodies of queued messages: they are cut in order from a few large chunks, and a chunk is
/// reused once every message cut from it has been released. Messages are written on the caller's thread and released on
/// the send loop's, in roughly the order they were made — a pattern the shared array pool serves badly (its per-thread
/// caches empty on one side and overflow on the other, so it allocates), and an arena serves with no allocation at all.
/// Chunks are sized for the stream: sixteen of its average messages (a moving average), 32 KiB to 4 MiB; a message
/// over half a chunk (a keyframe, mostly) gets an array of its own from the shared pool. At most two idle chunks are
/// kept, so a writer holds little more than what is queued (this matters with a thousand writers in one process).
/// Thread-safe.
/// </summary>
internal sealed class MessageArena : IDisposable
{
    private const int MinChunkSize = 32 * 1024;
    private const int MaxChunkSize = 4 * 1024 * 1024;
    private const int MaxIdleChunks = 2;

    private readonly Lock _lock = new();
    private readonly Stack<ArenaChunk> _idle = new();
    private ArenaChunk? _current;
    private bool _disposed;
    private int _averageSize = 1024;

    /// <summary>The chunk size this stream's messages call for now (read without the lock: a hint).</summary>
    private int ChunkSize => (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Volatile.Read(ref _averageSize) * 16), MinChunkSize, MaxChunkSize);

    /// <summary>Copies a tag body into the arena.</summary>
    public OutgoingMessage Create(RtmpMessageType type, long timestampMs, ReadOnlySpan<byte> body, bool isConfiguration, bool isDisposable = false)
    {
        int size = Math.Max(body.Length, 1);
        if (size > ChunkSize / 2)
        {
            Observe(size);
            return OutgoingMessage.Create(type, timestampMs, body, isConfiguration, isDisposable);
        }

        ArenaChunk chunk;
        int offset;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Observe(size);
            chunk = ChunkWithRoom(size);
            offset = chunk.Used;
            chunk.Used += size;
            chunk.Live++;
        }

        // The slice is ours alone from here on.
        body.CopyTo(chunk.Buffer.AsSpan(offset));
        return new OutgoingMessage(type, timestampMs, chunk.Buffer, offset, body.Length, isConfiguration, isDisposable, chunk);
    }

    /// <summary>
    /// Sets aside <paramref name="size"/> contiguous bytes for a message being written in place (see
    /// <see cref="ArenaMessageWriter"/>); <see cref="Commit"/> or <see cref="Abandon"/> it.
    /// </summary>
    public ArenaReservation Reserve(int size)
    {
        size = Math.Max(size, 1);
        if (size > ChunkSize / 2)
        {
            return new ArenaReservation(null, ArrayPool<byte>.Shared.Rent(size), 0, size);
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArenaChunk chunk = ChunkWithRoom(size);
            int offset = chunk.Used;
            chunk.Used += size;
            chunk.Live++;
            return new ArenaReservation(chunk, chunk.Buffer, offset, size);
        }
    }

    /// <summary>Turns the first <paramref name="length"/> bytes of a reservation into a message; the rest goes back.</summary>
    public OutgoingMessage Commit(in ArenaReservation reservation, int length, RtmpMessageType type, long timestampMs, bool isConfiguration, bool isDisposable)
    {
        Observe(length);
        if (reservation.Chunk is { } chunk)
        {
            lock (_lock)
            {
                if (chunk.Used == reservation.Offset + reservation.Size)
                {
                    chunk.Used = reservation.Offset + Math.Max(length, 1);
                }
            }
        }

        return new OutgoingMessage(type, timestampMs, reservation.Buffer, reservation.Offset, length, isConfiguration, isDisposable, reservation.Chunk);
    }

    /// <summary>Gives a reservation back unused (the message was not made).</summary>
    public void Abandon(in ArenaReservation reservation)
    {
        if (reservation.Chunk is { } chunk)
        {
            lock (_lock)
            {
                if (chunk.Used == reservation.Offset + reservation.Size)
                {
                    chunk.Used = reservation.Offset;
                }
            }

            Release(chunk);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(reservation.Buffer);
        }
    }

    /// <summary>A message cut from <paramref name="chunk"/> is done with.</summary>
    public void Release(ArenaChunk chunk)
    {
        lock (_lock)
        {
            chunk.Live--;
            if (chunk.Live == 0 && chunk != _current)
            {
                Recycle(chunk);
            }
        }
    }

    /// <summary>Gives the chunks back to the shared pool; messages still alive keep their chunk until released.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_idle.TryPop(out ArenaChunk? idle))
            {
                ArrayPool<byte>.Shared.Return(idle.Buffer);
            }

            if (_current is { Live: 0 } current)
            {
                ArrayPool<byte>.Shared.Return(current.Buffer);
            }

            _current = null;
        }
    }

    private ArenaChunk ChunkWithRoom(int size)
    {
        if (_current is { } current)
        {
            if (current.Used + size <= current.Buffer.Length)
            {
                return current;
            }

            _current = null;
            if (current.Live == 0)
            {
                Recycle(current);
            }

            // Otherwise it is recycled when its last message is released.
        }

        int chunkSize = Math.Max(ChunkSize, size);
        while (_idle.TryPop(out ArenaChunk? idle))
        {
            if (idle.Buffer.Length >= chunkSize / 2 && idle.Buffer.Length >= size)
            {
                _current = idle;
                return idle;
            }

            // Too small for this stream's messages now.
            ArrayPool<byte>.Shared.Return(idle.Buffer);
        }

        _current = new ArenaChunk(this, ArrayPool<byte>.Shared.Rent(chunkSize));
        return _current;
    }

    /// <summary>Moves the average message size 1/32 of the way towards <paramref name="size"/>.</summary>
    private void Observe(int size)
    {
        int average = Volatile.Read(ref _averageSize);
        Volatile.Write(ref _averageSize, Math.Max(1, average + ((size - average) / 32)));
    }

    private void Recycle(ArenaChunk chunk)
    {
        chunk.Used = 0;
        if (!_disposed && _idle.Count < MaxIdleChunks)
        {
            _idle.Push(chunk);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }
}
