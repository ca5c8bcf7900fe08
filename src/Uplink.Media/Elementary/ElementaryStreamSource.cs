using System.Buffers;
using System.Runtime.CompilerServices;

namespace Uplink.Media.Elementary;

/// <summary>
/// One elementary stream read forward in large reads into one pooled buffer, turned into frames by a subclass.
/// Frames are slices of the buffer: valid until the next <see cref="AdvanceAsync"/>.
/// </summary>
internal abstract class ElementaryStreamSource : IAsyncDisposable, IDisposable
{
    private const int InitialBufferSize = 64 * 1024;
    private const int MinReadSize = 16 * 1024;
    private const int MaxWarnings = 100;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _disposed;
    private int _warnings;

    protected ElementaryStreamSource(Stream stream, bool leaveOpen, Action<string>? onWarning)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        OnWarning = onWarning;
        Buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The frame the last successful advance produced.</summary>
    public MediaFrame Frame { get; protected set; }

    /// <summary>How many frames this source produced.</summary>
    public long FramesRead { get; protected set; }

    protected Action<string>? OnWarning { get; }

    protected byte[] Buffer { get; private set; }

    /// <summary>The first buffered byte still needed.</summary>
    protected int Start { get; private set; }

    /// <summary>The end of the buffered bytes.</summary>
    protected int End { get; private set; }

    /// <summary>The stream offset of <see cref="Start"/>.</summary>
    protected long StartOffset { get; private set; }

    protected bool EndOfStream { get; private set; }

    /// <summary>Advances to the next frame; false at the end of the stream.</summary>
    public ValueTask<bool> AdvanceAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Synchronous (and allocation-free) while the data is buffered or the stream completes reads synchronously.
        while (true)
        {
            switch (TryReadBuffered())
            {
                case ReadStep.Frame:
                    FramesRead++;
                    return new ValueTask<bool>(true);
                case ReadStep.End:
                    return new ValueTask<bool>(false);
                default:
                    PrepareToRead();
                    ValueTask<int> read = _stream.ReadAsync(Buffer.AsMemory(End), cancellationToken);
                    if (!read.IsCompletedSuccessfully)
                    {
                        return AdvanceAfterPendingReadAsync(read, cancellationToken);
                    }

                    Append(read.Result);
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ReleaseBuffer() && !_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (ReleaseBuffer() && !_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private bool ReleaseBuffer()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        byte[] buffer = Buffer;
        Buffer = [];
        Start = End = 0;
        Frame = default;
        ArrayPool<byte>.Shared.Return(buffer);
        return true;
    }

    /// <summary>
    /// Turns buffered bytes into the next frame (sets <see cref="Frame"/>), asks for more bytes, or reports the end.
    /// </summary>
    protected abstract ReadStep TryReadBuffered();

    /// <summary>Called when the buffered bytes moved <paramref name="by"/> bytes towards index 0.</summary>
    protected abstract void OnShifted(int by);

    /// <summary>The stream offset of the buffer index <paramref name="index"/>.</summary>
    protected long OffsetOf(int index) => StartOffset + (index - Start);

    /// <summary>Releases the bytes before <paramref name="index"/>: they are no longer needed once the caller reads again.</summary>
    protected void ReleaseBefore(int index)
    {
        StartOffset += index - Start;
        Start = index;
    }

    /// <summary>Reports skipped damage, at most <see cref="MaxWarnings"/> times per stream.</summary>
    protected void Warn(string message)
    {
        if (OnWarning is not null && _warnings < MaxWarnings)
        {
            _warnings++;
            OnWarning(message);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AdvanceAfterPendingReadAsync(ValueTask<int> pendingRead, CancellationToken cancellationToken)
    {
        Append(await pendingRead.ConfigureAwait(false));
        while (true)
        {
            switch (TryReadBuffered())
            {
                case ReadStep.Frame:
                    FramesRead++;
                    return true;
                case ReadStep.End:
                    return false;
                default:
                    PrepareToRead();
                    Append(await _stream.ReadAsync(Buffer.AsMemory(End), cancellationToken).ConfigureAwait(false));
                    break;
            }
        }
    }

    /// <summary>Makes room for a read of at least <see cref="MinReadSize"/> bytes: compacts, then grows by doubling.</summary>
    private void PrepareToRead()
    {
        if (Buffer.Length - End >= MinReadSize)
        {
            return;
        }

        int held = End - Start;
        if (Start > 0)
        {
            System.Buffer.BlockCopy(Buffer, Start, Buffer, 0, held);
            int shift = Start;
            Start = 0;
            End = held;
            OnShifted(shift);
        }

        if (Buffer.Length - End < MinReadSize)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(Buffer.Length * 2, held + MinReadSize));
            System.Buffer.BlockCopy(Buffer, 0, larger, 0, held);
            ArrayPool<byte>.Shared.Return(Buffer);
            Buffer = larger;
        }
    }

    private void Append(int bytesRead)
    {
        if (bytesRead == 0)
        {
            EndOfStream = true;
        }
        else
        {
            End += bytesRead;
        }
    }
}
