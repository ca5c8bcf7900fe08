namespace Uplink.Sending;

/// <summary>
/// Sizes the Window Acknowledgement Size we announce to about a hundredth of a second of the stream's media (a fraction of
/// a frame), so the server acknowledges often enough that a reconnect replays little more than one GOP: a keyframe is
/// confirmed as soon as it has arrived, and a loss just after one resumes there rather than a GOP earlier. The media rate
/// is bytes per second of timestamps. Pushed faster than real time (a file flat out, a backlog after a reconnect) the
/// window also grows with the wall-clock rate, so the server acknowledges at most ~200 times a second of sending:
/// each acknowledgement costs a wake-up of the receive loop.
/// </summary>
/// <remarks>Not thread-safe: the destination's send path uses it (under the send queue's lock or the gate).</remarks>
internal sealed class AcknowledgementWindowSizer
{
    /// <summary>The smallest window announced: below it the acknowledgements cost more than the replay they save.</summary>
    public const uint MinWindow = 4096;

    /// <summary>The largest window announced automatically (what FFmpeg and OBS announce).</summary>
    public const uint MaxWindow = 2_500_000;

    /// <summary>The window before anything is known of the stream's rate: ~20 ms at 3 Mbit/s.</summary>
    public const uint DefaultInitialWindow = 8 * 1024;

    // 10 ms: about 100 acknowledgements per second of media (fewer below 3 Mbit/s, where the floor holds), 16 bytes each;
    // bench/RESULTS.md has the cost.
    private const long WindowsPerSecond = 100;

    // And at most ~200 per second of sending, whatever the speed.
    private const long WindowsPerWallSecond = 200;

    // The rate is taken over two seconds of media (a GOP or so), so one large keyframe does not swing it.
    private const long MeasureSpanMs = 2000;

    private readonly bool _fixed;
    private long _spanStartMs = long.MinValue;
    private long _spanStartTicks;
    private long _spanBytes;
    private bool _changed;

    /// <param name="fixedWindow">A window the caller chose: announced as is, never resized.</param>
    /// <param name="knownKilobitsPerSecond">The stream's rate when the caller gave it (metadata), for the first window.</param>
    public AcknowledgementWindowSizer(uint? fixedWindow, double? knownKilobitsPerSecond)
    {
        _fixed = fixedWindow is not null;
        Current = fixedWindow ?? (knownKilobitsPerSecond is > 0 and var kbps ? ForRates((long)(kbps * 1000 / 8), wallBytesPerSecond: 0) : DefaultInitialWindow);
    }

    /// <summary>The window to announce on the next connection (and announced on the current one, unless <see cref="TryTakeChange"/> has news).</summary>
    public uint Current { get; private set; }

    /// <summary>Counts one media message (audio or video frame) going out.</summary>
    /// <param name="bytes">Its size.</param>
    /// <param name="timestampMs">Its timestamp.</param>
    /// <param name="nowTicks">When it goes out, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    public void Observe(int bytes, long timestampMs, long nowTicks)
    {
        if (_fixed)
        {
            return;
        }

        if (_spanStartMs == long.MinValue || timestampMs < _spanStartMs)
        {
            _spanStartMs = timestampMs;
            _spanStartTicks = nowTicks;
            _spanBytes = 0;
        }

        _spanBytes += bytes;
        long span = timestampMs - _spanStartMs;
        if (span < MeasureSpanMs)
        {
            return;
        }

        long mediaRate = _spanBytes * 1000 / span;
        long wallTicks = Math.Max(1, nowTicks - _spanStartTicks);
        long wallRate = (long)(_spanBytes * (double)System.Diagnostics.Stopwatch.Frequency / wallTicks);
        uint target = ForRates(mediaRate, wallRate);
        _spanStartMs = timestampMs;
        _spanStartTicks = nowTicks;
        _spanBytes = 0;

        // Only a change of 2× or more is worth a message: the window need not be exact, only about right.
        if (target >= Current * 2L || target * 2L <= Current)
        {
            Current = target;
            _changed = true;
        }
    }

    /// <summary>Whether the window changed since it was last announced; when it did, the new one (announce it now).</summary>
    public bool TryTakeChange(out uint window)
    {
        window = Current;
        bool changed = _changed;
        _changed = false;
        return changed;
    }

    /// <summary>The window for a media rate and a wall-clock send rate (bytes per second), within the bounds.</summary>
    private static uint ForRates(long mediaBytesPerSecond, long wallBytesPerSecond) =>
        (uint)Math.Clamp(Math.Max(mediaBytesPerSecond / WindowsPerSecond, wallBytesPerSecond / WindowsPerWallSecond), MinWindow, MaxWindow);
}
