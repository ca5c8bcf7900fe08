namespace Uplink.Media.Elementary;

/// <summary>
/// One elementary stream read forward in large reads into one pooled buffer, turned into frames by a subclass.
/// Frames are slices of the buffer: valid until the next <see cref="AdvanceAsync"/>.
/// </summary>
internal abstract class ElementaryStreamSource : IAsyncDisposable, IDisposable, IBufferedFrameParser
{
    private const int MaxWarnings = 100;

    private readonly Stream _stream;
    private readonly StreamReadBuffer _input;
    private readonly bool _leaveOpen;
    private bool _disposed;
    private int _warnings;

    protected ElementaryStreamSource(Stream stream, bool leaveOpen, Action<string>? onWarning)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        OnWarning = onWarning;
        _input = new StreamReadBuffer(stream);
    }

    /// <summary>The frame the last successful advance produced.</summary>
    public MediaFrame Frame { get; protected set; }

    /// <summary>How many frames this source produced.</summary>
    public long FramesRead { get; protected set; }

    protected Action<string>? OnWarning { get; }

    protected byte[] Buffer => _input.Array;

    /// <summary>The first buffered byte still needed.</summary>
    protected int Start => _input.Start;

    /// <summary>The end of the buffered bytes.</summary>
    protected int End => _input.End;

    /// <summary>The stream offset of <see cref="Start"/>.</summary>
    protected long StartOffset => _input.StartOffset;

    protected bool EndOfStream => _input.EndOfStream;

    /// <summary>Advances to the next frame; false at the end of the stream.</summary>
    public ValueTask<bool> AdvanceAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Synchronous (and allocation-free) while the data is buffered or the stream completes reads synchronously.
        return _input.ReadFrameAsync(this, cancellationToken);
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
        Frame = default;
        _input.Dispose();
        return true;
    }

    /// <summary>
    /// Turns buffered bytes into the next frame (sets <see cref="Frame"/>), asks for more bytes, or reports the end.
    /// </summary>
    protected abstract ReadStep TryReadBuffered();

    /// <summary>Called when the buffered bytes moved <paramref name="by"/> bytes towards index 0.</summary>
    protected abstract void OnShifted(int by);

    /// <summary>The stream offset of the buffer index <paramref name="index"/>.</summary>
    protected long OffsetOf(int index) => _input.OffsetOf(index);

    /// <summary>Releases the bytes before <paramref name="index"/>: they are no longer needed once the caller reads again.</summary>
    protected void ReleaseBefore(int index)
    {
        _input.Consume(index - _input.Start);
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

    ReadStep IBufferedFrameParser.TryParseFrame(out int needed)
    {
        ReadStep step = TryReadBuffered();
        if (step == ReadStep.Frame)
        {
            FramesRead++;
        }

        needed = _input.Available; // room for the held bytes and a full read after them
        return step;
    }

    void IBufferedFrameParser.OnBufferShifted(int by) => OnShifted(by);
}
