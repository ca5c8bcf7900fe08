namespace Uplink.Media;

/// <summary>
/// Turns timestamps that wrap (FLV's 32-bit milliseconds at 2^32, MPEG's 33-bit 90 kHz at 2^33, about 26.5 hours)
/// into a continuous 64-bit timeline: each new timestamp is placed in the epoch closest to the previous one, so a
/// drop of more than half an epoch is a wrap forward and a small step backwards (interleaved tracks, B-frames,
/// jitter) stays a step backwards.
/// </summary>
internal struct TimestampUnwrapper
{
    private readonly long _epoch;
    private long _last;
    private bool _started;

    /// <summary>An unwrapper for <paramref name="bits"/>-bit timestamps (32 for FLV, 33 for MPEG).</summary>
    public TimestampUnwrapper(int bits) => _epoch = 1L << bits;

    /// <summary>Returns the unwrapped value of <paramref name="timestamp"/> (its low bits are used), never negative.</summary>
    public long Unwrap(long timestamp)
    {
        timestamp &= _epoch - 1;
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            return _last;
        }

        long candidate = (_last & ~(_epoch - 1)) | timestamp;
        long delta = candidate - _last;
        if (delta < -(_epoch / 2))
        {
            candidate += _epoch;
        }
        else if (delta > _epoch / 2 && candidate >= _epoch)
        {
            candidate -= _epoch;
        }

        _last = candidate;
        return candidate;
    }

    /// <summary>
    /// The signed difference <paramref name="later"/> - <paramref name="earlier"/> of two <paramref name="bits"/>-bit
    /// timestamps, taken modulo the epoch into [-epoch/2, epoch/2), so that a pair straddling a wrap still gives a small difference.
    /// </summary>
    public static long Difference(long later, long earlier, int bits)
    {
        long epoch = 1L << bits;
        long delta = (later - earlier) & (epoch - 1);
        return delta >= epoch / 2 ? delta - epoch : delta;
    }
}
