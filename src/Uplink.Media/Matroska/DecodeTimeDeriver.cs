namespace Uplink.Media.Matroska;

/// <summary>
/// Derives decode times for a video track whose container stores presentation times only (Matroska), frames arriving
/// in decode order.
/// </summary>
/// <remarks>
/// <para>
/// The rule is FFmpeg's (libavformat's pts_buffer, which fills in the DTS matroskadec leaves unknown): with a reorder
/// delay of D frames, each frame's PTS joins a queue of pending PTS, and once the queue holds more than D, the smallest
/// leaves as the frame's DTS. For a stream that reorders no deeper than D this reproduces the encoder's DTS from the
/// D-th frame on, so DTS rises monotonically and never passes PTS.
/// </para>
/// <para>
/// The first D frames have no DTS by that rule (ffprobe shows N/A). They get the smallest pending PTS less one frame
/// duration per frame still missing from the queue — what an encoder with a constant frame rate writes (so the first
/// DTS may be negative: the writer rebases timestamps) — or, without a known frame duration, the smallest pending PTS.
/// </para>
/// <para>
/// A frame whose PTS is before the last DTS (a stream reordered deeper than D) cannot be given a DTS that is both
/// monotonic and not after its PTS: its PTS is raised to the last DTS, D grows by one for the frames after it, and
/// <see cref="Next"/> says so, for a warning.
/// </para>
/// </remarks>
internal sealed class DecodeTimeDeriver
{
    /// <summary>The deepest reordering handled: H.264's largest DPB holds 16 frames.</summary>
    public const int MaxDelay = 16;

    private readonly long[] _pending = new long[MaxDelay + 1];
    private readonly long _frameDuration;
    private int _count;
    private long _lastDts;
    private bool _started;

    /// <param name="delay">The reorder delay D in frames, 0 to <see cref="MaxDelay"/>.</param>
    /// <param name="frameDuration">One frame's duration in ticks, or 0 when unknown.</param>
    public DecodeTimeDeriver(int delay, long frameDuration)
    {
        Delay = Math.Clamp(delay, 0, MaxDelay);
        _frameDuration = Math.Max(0, frameDuration);
    }

    /// <summary>The reorder delay D in frames; it grows when a frame shows deeper reordering.</summary>
    public int Delay { get; private set; }

    /// <summary>Gives the next frame (in decode order) its DTS.</summary>
    /// <param name="pts">The frame's presentation time in ticks.</param>
    /// <param name="dts">Its decode time in ticks.</param>
    /// <param name="adjustedPts"><paramref name="pts"/>, or the DTS when the PTS had to be raised.</param>
    /// <returns>False when the PTS was raised: the frame came later than the delay allows.</returns>
    public bool Next(long pts, out long dts, out long adjustedPts)
    {
        if (_started && pts < _lastDts)
        {
            Delay = Math.Min(Delay + 1, MaxDelay);
            dts = adjustedPts = _lastDts;
            return false;
        }

        Insert(pts);
        if (_count > Delay)
        {
            dts = _pending[0];
            _count--;
            Array.Copy(_pending, 1, _pending, 0, _count);
        }
        else
        {
            // Every pending PTS is at or after the last DTS (each one left as the smallest), so this stays monotonic.
            long missing = Delay - _count + 1;
            dts = _pending[0] - (missing * _frameDuration);
            if (_started && dts < _lastDts)
            {
                dts = _lastDts;
            }
        }

        _started = true;
        _lastDts = dts;
        adjustedPts = pts;
        return true;
    }

    private void Insert(long pts)
    {
        int at = _count;
        while (at > 0 && _pending[at - 1] > pts)
        {
            _pending[at] = _pending[at - 1];
            at--;
        }

        _pending[at] = pts;
        _count++;
    }
}
