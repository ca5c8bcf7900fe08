using System.Buffers;
using System.Runtime.CompilerServices;

namespace Uplink.Media;

/// <summary>
/// A stream read forward in large reads into one pooled buffer: the window [<see cref="Start"/>, <see cref="End"/>)
/// of <see cref="Array"/> holds the bytes read but not yet consumed, and <see cref="StartOffset"/> is the stream
/// offset of <see cref="Start"/>. The readers parse in place and hand out slices of <see cref="Array"/>; a slice is
/// valid until the next read from the stream, which may compact or replace the array.
/// </summary>
/// <remarks>
/// The buffer grows by doubling at most, and only when a read would otherwise have too little room, so a large
/// size declared by the data in a short stream never allocates that size at once. Disposing returns the array to the
/// pool and leaves the stream alone; <see cref="Close"/> also disposes the stream when the buffer owns it (a reader
/// not told to leave it open), and is the one end of a reader's input. Not thread-safe.
/// </remarks>
internal sealed class StreamReadBuffer : IDisposable
{
    /// <summary>The size of the array rented at first.</summary>
    internal const int InitialSize = 64 * 1024;

    /// <summary>The array a large file starts with: fewer, larger reads (each one a thread-pool hop for a file) and fewer shifts.</summary>
    internal const int LargeInputSize = 1024 * 1024;

    /// <summary>From how many bytes left to read a seekable input counts as large.</summary>
    internal const long LargeInputThreshold = 8L * 1024 * 1024;

    /// <summary>The least room a read from the stream is given unless the buffer already holds what is needed.</summary>
    internal const int MinReadSize = 16 * 1024;

    private readonly Stream _stream;
    private readonly bool _ownsStream;

    /// <summary>Rents the first array; nothing is read until asked.</summary>
    /// <param name="stream">The input.</param>
    /// <param name="ownsStream">Whether <see cref="Close"/> disposes <paramref name="stream"/>.</param>
    public StreamReadBuffer(Stream stream, bool ownsStream = false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Array = ArrayPool<byte>.Shared.Rent(IsLarge(stream) ? LargeInputSize : InitialSize);
    }

    private static bool IsLarge(Stream stream)
    {
        try
        {
            return stream.CanSeek && stream.Length - stream.Position >= LargeInputThreshold;
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The pooled array; empty once disposed. It is replaced when the buffer grows.</summary>
    public byte[] Array { get; private set; }

    /// <summary>The index in <see cref="Array"/> of the first byte not yet consumed.</summary>
    public int Start { get; private set; }

    /// <summary>The index in <see cref="Array"/> just past the last byte read.</summary>
    public int End { get; private set; }

    /// <summary>How many bytes are buffered and not consumed: <see cref="End"/> - <see cref="Start"/>.</summary>
    public int Available => End - Start;

    /// <summary>The stream offset of <see cref="Start"/>.</summary>
    public long StartOffset { get; private set; }

    /// <summary><see langword="true"/> once a read from the stream returned no bytes.</summary>
    public bool EndOfStream { get; private set; }

    /// <summary>The buffered bytes not yet consumed.</summary>
    public ReadOnlySpan<byte> Buffered => Array.AsSpan(Start, End - Start);

    /// <summary>The stream offset of the byte at <paramref name="index"/> in <see cref="Array"/>.</summary>
    public long OffsetOf(int index) => StartOffset + (index - Start);

    /// <summary>Drops the first <paramref name="count"/> buffered bytes; they stay in the array until the next read.</summary>
    public void Consume(int count)
    {
        Start += count;
        StartOffset += count;
    }

    /// <summary>
    /// Empties the buffer and places it at stream offset <paramref name="offset"/> (after the caller moved the stream
    /// there), with <paramref name="endOfStream"/> saying whether anything is left to read from there.
    /// </summary>
    public void Reposition(long offset, bool endOfStream)
    {
        Start = End = 0;
        StartOffset = offset;
        EndOfStream = endOfStream;
    }

    /// <summary>
    /// Makes room for a large read towards <paramref name="needed"/> bytes from <see cref="Start"/>: moves the
    /// buffered bytes to index 0 when the room after them is short, and grows the array (to twice its size at most)
    /// when it is too small to hold <paramref name="needed"/> bytes and a read of <see cref="MinReadSize"/>.
    /// </summary>
    /// <returns>How many places the buffered bytes moved towards index 0 (0 when they did not move).</returns>
    public int MakeRoom(int needed)
    {
        byte[] array = Array;
        int shift = 0;
        if (array.Length - End < MinReadSize || array.Length - Start < needed)
        {
            int available = End - Start;
            if (Start > 0)
            {
                shift = Start;
                Buffer.BlockCopy(array, Start, array, 0, available);
                Start = 0;
                End = available;
            }

            if (array.Length - End < MinReadSize && array.Length < (long)needed + MinReadSize)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)array.Length * 2, (long)needed + MinReadSize));
                Buffer.BlockCopy(array, 0, larger, 0, available);
                ArrayPool<byte>.Shared.Return(array);
                Array = larger;
            }
        }

        return shift;
    }

    /// <summary>
    /// Starts one read from the stream into the room after <see cref="End"/> (call <see cref="MakeRoom"/> first);
    /// pass its result to <see cref="CompleteRead"/>.
    /// </summary>
    public ValueTask<int> StartRead(CancellationToken cancellationToken) => _stream.ReadAsync(Array.AsMemory(End), cancellationToken);

    /// <summary>Adds the <paramref name="bytesRead"/> bytes a read returned; 0 marks the end of the stream.</summary>
    public void CompleteRead(int bytesRead)
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

    /// <summary>
    /// Reads the next frame: lets <paramref name="parser"/> parse the buffered bytes and reads from the stream as
    /// often as it needs more. Synchronous, and allocation-free, while the bytes are buffered or the stream completes
    /// its reads at once; otherwise the rest runs in a pooled state machine.
    /// </summary>
    /// <returns><see langword="true"/> when the parser has a frame; <see langword="false"/> at the end of the input.</returns>
    public ValueTask<bool> ReadFrameAsync(IBufferedFrameParser parser, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (parser.TryParseFrame(out int needed))
            {
                case ReadStep.Frame:
                    return new ValueTask<bool>(true);
                case ReadStep.End:
                    return new ValueTask<bool>(false);
                default:
                    MakeRoomFor(parser, needed);
                    ValueTask<int> read = StartRead(cancellationToken);
                    if (!read.IsCompletedSuccessfully)
                    {
                        return ReadFrameAfterPendingReadAsync(parser, read, cancellationToken);
                    }

                    CompleteRead(read.Result);
                    break;
            }
        }
    }

    /// <summary><see langword="true"/> once <see cref="Close"/> or <see cref="CloseAsync"/> ran.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>
    /// A reader's <c>ReadAsync</c>: refuses a closed input and a cancelled token, then <see cref="ReadFrameAsync"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The input was closed (the reader disposed).</exception>
    public ValueTask<bool> ReadNextAsync(IBufferedFrameParser parser, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsClosed, parser);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<bool>(cancellationToken)
            : ReadFrameAsync(parser, cancellationToken);
    }

    /// <summary>Ends the input: returns the array to the pool, and disposes the stream when owned.</summary>
    /// <returns><see langword="false"/> when it was closed already (nothing done).</returns>
    public bool Close()
    {
        if (!MarkClosed())
        {
            return false;
        }

        if (_ownsStream)
        {
            _stream.Dispose();
        }

        return true;
    }

    /// <summary><see cref="Close"/>, disposing an owned stream asynchronously.</summary>
    /// <returns><see langword="false"/> when it was closed already (nothing done).</returns>
    public async ValueTask<bool> CloseAsync()
    {
        if (!MarkClosed())
        {
            return false;
        }

        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    }

    private bool MarkClosed()
    {
        if (IsClosed)
        {
            return false;
        }

        IsClosed = true;
        Dispose();
        return true;
    }

    /// <summary>Reads until at least <paramref name="needed"/> bytes from <see cref="Start"/> are buffered or the stream ends.</summary>
    public async ValueTask FillAsync(int needed, CancellationToken cancellationToken)
    {
        while (End - Start < needed && !EndOfStream)
        {
            MakeRoom(needed);
            CompleteRead(await StartRead(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Returns the array to the pool and empties the buffer; later calls do nothing.</summary>
    public void Dispose()
    {
        byte[] array = Array;
        if (array.Length == 0)
        {
            return;
        }

        Array = [];
        Start = End = 0;
        ArrayPool<byte>.Shared.Return(array);
    }

    private void MakeRoomFor(IBufferedFrameParser parser, int needed)
    {
        int shift = MakeRoom(needed);
        if (shift > 0)
        {
            parser.OnBufferShifted(shift);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadFrameAfterPendingReadAsync(IBufferedFrameParser parser, ValueTask<int> pendingRead, CancellationToken cancellationToken)
    {
        CompleteRead(await pendingRead.ConfigureAwait(false));
        while (true)
        {
            switch (parser.TryParseFrame(out int needed))
            {
                case ReadStep.Frame:
                    return true;
                case ReadStep.End:
                    return false;
                default:
                    MakeRoomFor(parser, needed);
                    CompleteRead(await StartRead(cancellationToken).ConfigureAwait(false));
                    break;
            }
        }
    }
}
