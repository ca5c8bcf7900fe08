using System.Diagnostics;

namespace Uplink.Transport;

/// <summary>
/// What the peer's TCP had acknowledged at least <see cref="SettleTime"/> ago: bytes that reached the server's host and,
/// for a server that keeps up, have been read by it since. TCP's latest figure alone also counts what still waits unread
/// in the server's socket buffer, which a server killed (or dropping the connection) loses.
/// </summary>
/// <remarks>Thread-safe; sampled whenever the figure is asked for, so it costs nothing where it is not used.</remarks>
internal sealed class SettledAcknowledgements
{
    /// <summary>How long an acknowledged byte waits before it counts: far longer than a live server takes to read it.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();
    private long _settled;

    /// <summary>Adds TCP's figure now and returns what had been acknowledged <see cref="SettleTime"/> ago.</summary>
    public long Sample(long acknowledged) => Sample(acknowledged, Stopwatch.GetTimestamp());

    /// <summary>As <see cref="Sample(long)"/>, at <paramref name="nowTicks"/> (<see cref="Stopwatch"/> ticks).</summary>
    public long Sample(long acknowledged, long nowTicks)
    {
        lock (_gate)
        {
            _samples.Enqueue((nowTicks, acknowledged));
            return SettledAt(nowTicks);
        }
    }

    /// <summary>What had been acknowledged <see cref="SettleTime"/> before <paramref name="nowTicks"/>, without a new sample.</summary>
    public long SettledAt(long nowTicks)
    {
        lock (_gate)
        {
            long cutoff = nowTicks - (long)(SettleTime.TotalSeconds * Stopwatch.Frequency);
            while (_samples.TryPeek(out var oldest) && oldest.Ticks <= cutoff)
            {
                _settled = Math.Max(_settled, oldest.Bytes);
                _samples.Dequeue();
            }

            return _settled;
        }
    }
}
