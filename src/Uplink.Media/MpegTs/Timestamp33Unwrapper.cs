namespace Uplink.Media.MpegTs;

/// <summary>
/// Turns 33-bit 90 kHz MPEG timestamps that wrap at 2^33 (about 26.5 hours) into a continuous 64-bit timeline:
/// each new timestamp is placed in the 2^33 epoch closest to the previous one, so a drop of more than 2^32 is a
/// wrap forward and a small step backwards (interleaved tracks, B-frames, jitter) stays a step backwards.
/// </summary>
internal struct Timestamp33Unwrapper
{
    private const long Epoch = 1L << 33;
    private const long HalfEpoch = 1L << 32;

    private long _last;
    private bool _started;

    /// <summary>Returns the unwrapped value of the 33-bit <paramref name="timestamp"/>, never negative.</summary>
    public long Unwrap(long timestamp)
    {
        timestamp &= Epoch - 1;
        if (!_started)
        {
            _started = true;
            _last = timestamp;
            return _last;
        }

        long candidate = (_last & ~(Epoch - 1)) | timestamp;
        long delta = candidate - _last;
        if (delta < -HalfEpoch)
        {
            candidate += Epoch;
        }
        else if (delta > HalfEpoch && candidate >= Epoch)
        {
            candidate -= Epoch;
        }

        _last = candidate;
        return candidate;
    }

    /// <summary>
    /// The signed difference <paramref name="later"/> - <paramref name="earlier"/> of two 33-bit timestamps, taken
    /// modulo 2^33 into the range [-2^32, 2^32) so that a pair straddling a wrap still gives a small difference.
    /// </summary>
    public static long Difference(long later, long earlier)
    {
        long delta = (later - earlier) & (Epoch - 1);
        return delta >= HalfEpoch ? delta - Epoch : delta;
    }
}
