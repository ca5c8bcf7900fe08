namespace Uplink.Fuzz.Targets;

/// <summary>
/// The client's side of a connection to a scripted server. The server's bytes come in turns: each turn is read (in
/// uneven pieces, as from a socket) only once the client has written something after the previous turn was read —
/// a server answers requests — or after a short wait for a client that writes nothing. After the last turn, the end
/// of the stream. Writes are counted and dropped.
/// </summary>
internal sealed class ServerBytesStream : Stream
{
    /// <summary>How long a turn waits for the client to write before it is read anyway.</summary>
    public static readonly TimeSpan TurnWait = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the client's writes must pause before the next turn is read.</summary>
    private static readonly TimeSpan WritePause = TimeSpan.FromMilliseconds(3);

    private readonly byte[][] _turns;
    private readonly SemaphoreSlim _wrote = new(0);
    private uint _state;
    private int _turn;
    private int _offset;
    private long _written;
    private long _writtenWhenTurnRead = -1;

    public ServerBytesStream(params byte[][] turns)
    {
        _turns = turns;
        _state = (uint)turns.Sum(t => t.Length) | 1;
    }

    public long Written => Interlocked.Read(ref _written);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_offset == _turns[_turn].Length)
        {
            if (_turn + 1 == _turns.Length)
            {
                return 0;
            }

            // The client may answer in more than one write (an onBWDone's _checkbw, then its next request): the turn
            // waits for a write and then for the writes to pause.
            long deadline = Environment.TickCount64 + (long)TurnWait.TotalMilliseconds;
            while (Written <= _writtenWhenTurnRead && Environment.TickCount64 < deadline)
            {
                _ = await _wrote.WaitAsync(TurnWait, cancellationToken).ConfigureAwait(false);
            }

            while (Written > _writtenWhenTurnRead && Environment.TickCount64 < deadline && await _wrote.WaitAsync(WritePause, cancellationToken).ConfigureAwait(false))
            {
            }

            _turn++;
            _offset = 0;
        }

        _state = (_state * 1664525) + 1013904223;
        int piece = (int)(_state >> 16) % 3 switch { 0 => 1 + (int)((_state >> 8) % 16), 1 => 1 + (int)((_state >> 4) % 512), _ => 8192 };
        byte[] turn = _turns[_turn];
        int n = Math.Min(Math.Min(piece, buffer.Length), turn.Length - _offset);
        turn.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        if (_offset == turn.Length)
        {
            _writtenWhenTurnRead = Written;
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Wrote(count);

    public override void Write(ReadOnlySpan<byte> buffer) => Wrote(buffer.Length);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Wrote(buffer.Length);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Wrote(count);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // The semaphore is not disposed: a read may be waiting on it when the client disposes the stream, and a waiter on a
    // disposed semaphore never wakes. It holds no handle (AvailableWaitHandle is never asked for).

    private void Wrote(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _written, count);
            _wrote.Release();
        }
    }

    /// <summary>Splits a fuzz input into the server's turns at each <paramref name="separator"/>.</summary>
    public static List<byte[]> SplitTurns(byte[] input, ReadOnlySpan<byte> separator)
    {
        var turns = new List<byte[]>();
        ReadOnlySpan<byte> rest = input;
        int at;
        while ((at = rest.IndexOf(separator)) >= 0)
        {
            turns.Add(rest[..at].ToArray());
            rest = rest[(at + separator.Length)..];
        }

        turns.Add(rest.ToArray());
        return turns;
    }
}
