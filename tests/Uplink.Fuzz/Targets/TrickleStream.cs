namespace Uplink.Fuzz.Targets;

/// <summary>
/// A read-only, non-seekable stream over a byte array that hands out its bytes in uneven pieces (1 byte to 8 KiB,
/// a fixed sequence), as a pipe does: the readers' refill and look-ahead paths see every boundary.
/// </summary>
internal sealed class TrickleStream(byte[] data) : Stream
{
    private int _position;
    private uint _state = (uint)data.Length | 1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _state = (_state * 1664525) + 1013904223;
        int piece = (int)(_state >> 16) % 3 switch { 0 => 1 + (int)((_state >> 8) % 16), 1 => 1 + (int)((_state >> 4) % 512), _ => 8192 };
        int n = Math.Min(Math.Min(piece, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
