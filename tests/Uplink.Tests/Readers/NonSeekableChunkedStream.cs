namespace Uplink.Tests.Readers;

/// <summary>
/// A read-only stream like a pipe: no seeking, no length, no position, and reads that return a random
/// number of bytes (at least one). Optionally throws once a read would go past <c>poisonAfter</c> bytes,
/// to prove a reader did not read further than it should. With <c>completeAsynchronously</c>, half the
/// asynchronous reads complete later, on another thread.
/// </summary>
internal sealed class NonSeekableChunkedStream(byte[] data, int seed, int maxChunk = 4096, int? poisonAfter = null, bool completeAsynchronously = false) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public long BytesRead => _position;

    public bool IsDisposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("Length of a pipe");

    public override long Position
    {
        get => throw new NotSupportedException("Position of a pipe");
        set => throw new NotSupportedException("Position of a pipe");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        int limit = poisonAfter ?? data.Length;
        if (_position >= limit && poisonAfter is not null)
        {
            throw new InvalidOperationException($"read past byte {poisonAfter}");
        }

        int count = Math.Min(Math.Min(buffer.Length, _random.Next(1, maxChunk + 1)), Math.Min(limit, data.Length) - _position);
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => completeAsynchronously && _random.Next(2) == 0 ? ReadLaterAsync(buffer) : new(Read(buffer.Span));

    private async ValueTask<int> ReadLaterAsync(Memory<byte> buffer)
    {
        await Task.Yield();
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Seek on a pipe");

    public override void SetLength(long value) => throw new NotSupportedException("SetLength on a pipe");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}
