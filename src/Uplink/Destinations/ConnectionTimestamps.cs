namespace Uplink.Destinations;

/// <summary>
/// The timestamps a destination's connections carry: the stream's own, from 0 on the first connection. A connection
/// made after a loss starts again one frame interval in (<see cref="RtmpReconnectTimestamps.Restart"/>), or goes on
/// where the stream is (<see cref="RtmpReconnectTimestamps.Continue"/>, and always after a server's ReconnectRequest).
/// </summary>
/// <remarks>Not thread-safe: used while sending, under the send queue's lock.</remarks>
internal sealed class ConnectionTimestamps(RtmpReconnectTimestamps afterLoss)
{
    private bool _started;
    private bool _restartPending;
    private long _originMs;
    private long _baseMs;
    private long _lastVideoMs = long.MinValue;
    private long _videoIntervalMs;
    private int _maxCompositionMs;
    private int _keyframeCompositionMs;

    /// <summary>The next connection follows a lost one.</summary>
    public void AfterLoss() => _restartPending = afterLoss == RtmpReconnectTimestamps.Restart;

    /// <summary>A connection starts with the message stamped <paramref name="firstTimestampMs"/>.</summary>
    public void StartConnection(long firstTimestampMs)
    {
        if (!_started)
        {
            _started = true;
            _originMs = firstTimestampMs;
            _baseMs = firstTimestampMs;
        }
        else if (_restartPending)
        {
            // Not 0: a server that joins the connections into one stream adds the last decoding time it had, so the new
            // start must come one frame interval after it — and, with B-frames, late enough that the replay's keyframe is
            // presented after every frame the lost connection may have delivered (up to the stream's largest composition
            // time past its last decoding time; the keyframe's own composition time counts towards it).
            _baseMs = firstTimestampMs - (_videoIntervalMs + Math.Max(0, _maxCompositionMs - _keyframeCompositionMs));
        }

        _restartPending = false;
    }

    /// <summary>The timestamp on the wire for a message stamped <paramref name="timestampMs"/> in the stream.</summary>
    public long ToConnection(long timestampMs) => Math.Max(0, timestampMs - _baseMs);

    /// <summary>The stream's own timestamp for a message stamped <paramref name="timestampMs"/>: from 0 at the first
    /// connection's first message, whatever later connections carry (for stats).</summary>
    public long ToStream(long timestampMs) => Math.Max(0, timestampMs - _originMs);

    /// <summary>Notes a video frame going out, to know the frame interval and how far frames are reordered.</summary>
    public void NoteVideoFrame(long timestampMs, ReadOnlySpan<byte> body, bool keyframe)
    {
        if (Flv.FlvTags.TryReadCompositionTime(body, out int composition))
        {
            _maxCompositionMs = Math.Max(_maxCompositionMs, composition);
            if (keyframe)
            {
                _keyframeCompositionMs = composition;
            }
        }

        if (_lastVideoMs != long.MinValue && timestampMs > _lastVideoMs && timestampMs - _lastVideoMs <= 1000)
        {
            _videoIntervalMs = timestampMs - _lastVideoMs;
        }

        _lastVideoMs = timestampMs;
    }
}
