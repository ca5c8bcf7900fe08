namespace Uplink.Media;

/// <summary>
/// Turns 32-bit millisecond timestamps that wrap at 2^32 into a continuous 64-bit timeline: each new
/// timestamp is placed in the 2^32 epoch closest to the previous one, so a drop of more than 2^31 ms
/// is a wrap forward and a small step backwards (interleaved tracks, jitter) stays a step backwards.
/// </summary>
internal struct Timestamp32Unwrapper
{
    private const long Epoch = 1L << 32;
    private const long HalfEpoch = 1L << 31;

    private long _last;
    private bool _started;

    /// <summary>Returns the unwrapped value of <paramref name="timestamp"/>, never negative.</summary>
    public long Unwrap(uint timestamp)
    {
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
}
