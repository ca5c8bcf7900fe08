using System.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Messages;

/// <summary>
/// Where one writer keeps the bodies of queued messages: they are cut in order from a few large blocks, and a block is
/// reused once every message cut from it has been released. Messages are written on the caller's thread and released on
/// the send loop's, in roughly the order they were made — a pattern the shared array pool serves badly (its per-thread
/// caches empty on one side and overflow on the other, so it allocates), and an arena serves with no allocation at all.
/// Blocks are sized for the stream: sixteen of its average messages (a moving average), 32 KiB to 4 MiB; a message
/// over half a block (a keyframe, mostly) gets an array of its own from the shared pool, in a dedicated block. At most
/// two idle blocks are kept, so a writer holds little more than what is queued (this matters with a thousand writers in
/// one process). Every message belongs to a block that counts its references, so several destinations can share one
/// message's bytes (<see cref="OutgoingMessage.AddReference"/>): nothing is copied per destination. Thread-safe.
/// </summary>
internal sealed class MessageArena : IDisposable
{
    private const int MinBlockSize = 32 * 1024;
    private const int MaxBlockSize = 4 * 1024 * 1024;
    private const int MaxIdleBlocks = 2;
    private const int MaxSpareDedicatedBlocks = 64; // block objects only (no arrays): a replay buffer holds one per keyframe

    private readonly Lock _lock = new();
    private readonly Stack<ArenaBlock> _idle = new();
    private readonly Stack<ArenaBlock> _spareDedicated = new();
    private ArenaBlock? _current;
    private bool _disposed;
    private int _averageSize = 1024;

    /// <summary>The block size this stream's messages call for now (read without the lock: a hint).</summary>
    private int BlockSize => (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Volatile.Read(ref _averageSize) * 16), MinBlockSize, MaxBlockSize);

    /// <summary>Copies a tag body into the arena.</summary>
    public OutgoingMessage Create(RtmpMessageType type, long timestampMs, ReadOnlySpan<byte> body, bool isConfiguration, bool isNonReference = false)
    {
        int size = Math.Max(body.Length, 1);
        ArenaBlock block;
        int offset;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Observe(size);
            if (size > BlockSize / 2)
            {
                block = DedicatedBlock(size);
                offset = 0;
            }
            else
            {
                block = BlockWithRoom(size);
                offset = block.Used;
                block.Used += size;
                block.Live++;
            }
        }

        // The slice is ours alone from here on.
        body.CopyTo(block.Buffer.AsSpan(offset));
        return new OutgoingMessage(type, timestampMs, block.Buffer, offset, body.Length, isConfiguration, isNonReference, block);
    }

    /// <summary>
    /// Sets aside <paramref name="size"/> contiguous bytes for a message being written in place (see
    /// <see cref="ArenaMessageWriter"/>); <see cref="Commit"/> or <see cref="Abandon"/> it.
    /// </summary>
    public ArenaReservation Reserve(int size)
    {
        size = Math.Max(size, 1);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (size > BlockSize / 2)
            {
                ArenaBlock dedicated = DedicatedBlock(size);
                return new ArenaReservation(dedicated, dedicated.Buffer, 0, size);
            }

            ArenaBlock block = BlockWithRoom(size);
            int offset = block.Used;
            block.Used += size;
            block.Live++;
            return new ArenaReservation(block, block.Buffer, offset, size);
        }
    }

    /// <summary>Turns the first <paramref name="length"/> bytes of a reservation into a message; the rest goes back.</summary>
    public OutgoingMessage Commit(in ArenaReservation reservation, int length, RtmpMessageType type, long timestampMs, bool isConfiguration, bool isNonReference)
    {
        Observe(length);
        if (reservation.Block is { Dedicated: false } block)
        {
            lock (_lock)
            {
                if (block.Used == reservation.Offset + reservation.Size)
                {
                    block.Used = reservation.Offset + Math.Max(length, 1);
                }
            }
        }

        return new OutgoingMessage(type, timestampMs, reservation.Buffer, reservation.Offset, length, isConfiguration, isNonReference, reservation.Block);
    }

    /// <summary>Gives a reservation back unused (the message was not made).</summary>
    public void Abandon(in ArenaReservation reservation)
    {
        ArenaBlock block = reservation.Block;
        lock (_lock)
        {
            if (!block.Dedicated && block.Used == reservation.Offset + reservation.Size)
            {
                block.Used = reservation.Offset;
            }
        }

        Release(block);
    }

    /// <summary>One more holder of a message cut from <paramref name="block"/> (another destination sending it).</summary>
    public void AddReference(ArenaBlock block)
    {
        lock (_lock)
        {
            block.Live++;
        }
    }

    /// <summary>A reference to a message cut from <paramref name="block"/> is done with.</summary>
    public void Release(ArenaBlock block)
    {
        lock (_lock)
        {
            block.Live--;
            if (block.Live > 0)
            {
                return;
            }

            if (block.Dedicated)
            {
                ArrayPool<byte>.Shared.Return(block.Buffer);
                block.Buffer = [];
                if (_spareDedicated.Count < MaxSpareDedicatedBlocks)
                {
                    _spareDedicated.Push(block);
                }
            }
            else if (block != _current)
            {
                Recycle(block);
            }
        }
    }

    /// <summary>Gives the blocks back to the shared pool; messages still alive keep their block until released.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_idle.TryPop(out ArenaBlock? idle))
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

    /// <summary>A block of its own for one message, from the shared pool (the block object itself is reused).</summary>
    private ArenaBlock DedicatedBlock(int size)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        if (_spareDedicated.TryPop(out ArenaBlock? block))
        {
            block.Buffer = buffer;
        }
        else
        {
            block = new ArenaBlock(this, buffer) { Dedicated = true };
        }

        block.Used = size;
        block.Live = 1;
        return block;
    }

    private ArenaBlock BlockWithRoom(int size)
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

        int blockSize = Math.Max(BlockSize, size);
        while (_idle.TryPop(out ArenaBlock? idle))
        {
            if (idle.Buffer.Length >= blockSize / 2 && idle.Buffer.Length >= size)
            {
                _current = idle;
                return idle;
            }

            // Too small for this stream's messages now.
            ArrayPool<byte>.Shared.Return(idle.Buffer);
        }

        _current = new ArenaBlock(this, ArrayPool<byte>.Shared.Rent(blockSize));
        return _current;
    }

    /// <summary>Moves the average message size 1/32 of the way towards <paramref name="size"/>.</summary>
    private void Observe(int size)
    {
        int average = Volatile.Read(ref _averageSize);
        Volatile.Write(ref _averageSize, Math.Max(1, average + ((size - average) / 32)));
    }

    private void Recycle(ArenaBlock block)
    {
        block.Used = 0;
        if (!_disposed && _idle.Count < MaxIdleBlocks)
        {
            _idle.Push(block);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(block.Buffer);
        }
    }
}
