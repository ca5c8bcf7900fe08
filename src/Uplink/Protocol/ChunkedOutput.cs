using Uplink.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Protocol;

/// <summary>
/// A connection's sending side: messages are chunked into one buffer under a send lock and written by a flush, which
/// fails with <see cref="TimeoutException"/> when the peer stops reading for longer than the send timeout. Callers take
/// the lock around a batch (<see cref="EnterAsync"/>, <see cref="Enqueue"/>…, <see cref="FlushAsync"/>, <see cref="Exit"/>).
/// </summary>
public sealed class ChunkedOutput : IRtmpMessageSink
{
    private readonly Stream _stream;
    private readonly TimeSpan _sendTimeout;
    private readonly ChunkStreamWriter _chunks = new();
    private readonly PooledBufferWriter _buffer;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private CancellationTokenSource? _sendTimer;
    private bool _released;

    /// <param name="stream">The connected stream to write to.</param>
    /// <param name="initialCapacity">Starting size of the output buffer; it grows to the largest batch.</param>
    /// <param name="sendTimeout">How long one flush may take; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    public ChunkedOutput(Stream stream, int initialCapacity, TimeSpan sendTimeout)
    {
        _stream = stream;
        _sendTimeout = sendTimeout;
        _buffer = new PooledBufferWriter(initialCapacity);
        if (sendTimeout != Timeout.InfiniteTimeSpan)
        {
            _sendTimer = new CancellationTokenSource();
        }
    }

    /// <summary>The outgoing chunk size; set it right after queuing the Set Chunk Size that announces it.</summary>
    public int ChunkSize
    {
        get => _chunks.ChunkSize;
        set => _chunks.ChunkSize = value;
    }

    /// <summary>Bytes chunked but not yet flushed (caller holds the send lock).</summary>
    public int PendingBytes => _buffer.WrittenCount;

    /// <summary>Takes the send lock.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => _lock.WaitAsync(cancellationToken);

    /// <summary>Releases the send lock.</summary>
    public void Exit() => _lock.Release();

    /// <summary>Chunks one message into the pending output (caller holds the send lock).</summary>
    /// <returns>The header format (0–3) of the message's first chunk.</returns>
    /// <exception cref="ObjectDisposedException">The buffers were released.</exception>
    public int Enqueue(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlySpan<byte> payload)
    {
        ObjectDisposedException.ThrowIf(_released, this);
        return _chunks.Write(_buffer, chunkStreamId, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload);
    }

    void IRtmpMessageSink.Enqueue(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlySpan<byte> payload) =>
        Enqueue(chunkStreamId, type, timestamp, streamId, payload);

    /// <summary>Drops the pending output unsent (caller holds the send lock).</summary>
    public void Discard() => _buffer.Clear();

    /// <summary>Writes the pending output (caller holds the send lock). The output is empty afterwards, sent or not.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="TimeoutException">The write did not finish within the send timeout; part of it may be on the wire.</exception>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> FlushAsync(CancellationToken cancellationToken)
    {
        int count = _buffer.WrittenCount;
        if (count == 0)
        {
            return 0;
        }

        if (_sendTimer is null)
        {
            try
            {
                await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _buffer.Clear();
            }

            return count;
        }

        CancellationTokenSource? linked = null;
        _sendTimer.CancelAfter(_sendTimeout);
        CancellationToken token = _sendTimer.Token;
        if (cancellationToken.CanBeCanceled)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _sendTimer.Token);
            token = linked.Token;
        }

        try
        {
            await _stream.WriteAsync(_buffer.WrittenMemory, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (_sendTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"a send did not finish in {_sendTimeout.TotalSeconds:0.#} s", ex);
        }
        finally
        {
            _buffer.Clear();
            linked?.Dispose();
            if (!_sendTimer.TryReset())
            {
                _sendTimer.Dispose();
                _sendTimer = new CancellationTokenSource();
            }
        }

        return count;
    }

    /// <summary>Returns the buffer to the pool once no send is in progress (waiting up to <paramref name="timeout"/> for
    /// the send lock). The lock itself stays usable: a waiter on a disposed semaphore would never wake.</summary>
    /// <returns>False when a send still held the lock at the timeout (the buffer is then left to the collector).</returns>
    public async Task<bool> ReleaseBuffersAsync(TimeSpan timeout)
    {
        if (!await _lock.WaitAsync(timeout).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            _released = true;
            _buffer.Dispose();
            _sendTimer?.Dispose();
        }
        finally
        {
            _lock.Release();
        }

        return true;
    }
}
