using Uplink.Messages;
using Uplink.Protocol.Chunks;

namespace Uplink.Sending;

/// <summary>
/// Live mode's choice of what to stop sending first when a multitrack stream does not fit the network: whole tracks,
/// highest bitrate first — every video track but the lowest-bitrate one, then the audio tracks after the default —
/// so congestion turns into a lower rendition instead of a frozen picture. A stopped (shed) track comes back, last shed
/// first, once the queue has stayed nearly empty for the recovery time; a video track then resumes at its next
/// keyframe. Bitrates are measured from what each track carries (bytes per millisecond of its timestamps).
/// </summary>
/// <remarks>One per send queue; not thread-safe (the queue's lock covers it).</remarks>
internal sealed class RenditionLadder
{
    private const int MaxTracks = 256;

    private readonly TrackState[] _video = new TrackState[MaxTracks];
    private readonly TrackState[] _audio = new TrackState[MaxTracks];
    private readonly Stack<(bool Video, byte Track)> _shed = new();
    private long _shedAtMs = long.MinValue;
    private long? _healthySinceMs;

    /// <summary>The last track shed or resumed, for the destination to log; cleared by <see cref="TakeChange"/>.</summary>
    private (byte Track, bool Shed)? _change;

    /// <summary>Whether any track is shed now.</summary>
    public bool AnyShed => _shed.Count > 0;

    /// <summary>Counts a message towards its track's bitrate.</summary>
    public void Observe(in OutgoingMessage message)
    {
        if (message.IsConfiguration || message.Type is not (RtmpMessageType.Video or RtmpMessageType.Audio))
        {
            return;
        }

        ref TrackState track = ref State(message);
        track.Seen = true;
        if (track.Mode != TrackMode.Active)
        {
            return;
        }

        if (track.LastMs is long last)
        {
            track.Milliseconds += Math.Clamp(message.TimestampMs - last, 0, 1000);
        }

        track.LastMs = message.TimestampMs;
        track.Bytes += message.Length;
    }

    /// <summary>
    /// Whether the message belongs to a track that is not being sent (shed, or resuming and still waiting for a
    /// keyframe); a resuming video track's keyframe takes it back. Configuration messages are never held.
    /// </summary>
    public bool Holds(in OutgoingMessage message)
    {
        if (message.IsConfiguration || message.Type is not (RtmpMessageType.Video or RtmpMessageType.Audio))
        {
            return false;
        }

        ref TrackState track = ref State(message);
        switch (track.Mode)
        {
            case TrackMode.Active:
                return false;
            case TrackMode.Resuming when message.Type == RtmpMessageType.Audio || message.IsVideoKeyframe:
                track.Mode = TrackMode.Active;
                track.LastMs = null;
                return false;
            default:
                return true;
        }
    }

    /// <summary>Whether a track is left to shed (every video track but the lowest-bitrate one, the audio tracks after the default).</summary>
    public bool CanShed => NextToShed() is not null;

    /// <summary>
    /// True while the backlog queued before the last shed is still going out (<paramref name="firstUnsentMs"/> is older than
    /// the shed): the shed has not had its chance to help yet, so neither another shed nor a drop is due.
    /// </summary>
    public bool Settling(long? firstUnsentMs) => firstUnsentMs is long first && first < _shedAtMs;

    /// <summary>Stops sending the highest-bitrate track still sent (see the class summary).</summary>
    /// <returns>The track shed.</returns>
    public (bool Video, byte Track) Shed(long nowMs)
    {
        (bool video, byte id) = NextToShed() ?? throw new InvalidOperationException("nothing to shed");
        (video ? _video : _audio)[id].Mode = TrackMode.Shed;
        _shed.Push((video, id));
        _shedAtMs = nowMs;
        _healthySinceMs = null;
        if (video)
        {
            _change = (id, true);
        }

        return (video, id);
    }

    /// <summary>
    /// Told the unsent span after each message: once it has stayed under half the disposable-frames threshold for
    /// <paramref name="recoveryMs"/> of stream time, the track shed last comes back (video at its next keyframe).
    /// </summary>
    public void Recover(long spanMs, long nowMs, LiveDropThresholds thresholds, long recoveryMs)
    {
        if (_shed.Count == 0 || spanMs >= thresholds.DisposableFramesMs / 2)
        {
            _healthySinceMs = null;
            return;
        }

        _healthySinceMs ??= nowMs;
        if (nowMs - _healthySinceMs.Value < recoveryMs)
        {
            return;
        }

        (bool video, byte id) = _shed.Pop();
        (video ? _video : _audio)[id].Mode = TrackMode.Resuming;
        _healthySinceMs = nowMs;
        if (video)
        {
            _change = (id, false);
        }
    }

    /// <summary>The last video track shed or resumed since the last call, for the log.</summary>
    public (byte Track, bool Shed)? TakeChange()
    {
        (byte, bool)? change = _change;
        _change = null;
        return change;
    }

    /// <summary>Forgets the measured rates and sends every track again (the queue was cleared).</summary>
    public void Reset()
    {
        Array.Clear(_video);
        Array.Clear(_audio);
        _shed.Clear();
        _shedAtMs = long.MinValue;
        _healthySinceMs = null;
        _change = null;
    }

    private ref TrackState State(in OutgoingMessage message) =>
        ref (message.Type == RtmpMessageType.Video ? _video : _audio)[message.Track];

    /// <summary>Every active video track but the lowest-bitrate one, highest first; then audio tracks after the default.</summary>
    private (bool Video, byte Track)? NextToShed()
    {
        int active = 0;
        int highest = -1;
        for (int i = 0; i < MaxTracks; i++)
        {
            if (_video[i] is { Seen: true, Mode: TrackMode.Active })
            {
                active++;
                if (highest < 0 || _video[i].Rate > _video[highest].Rate)
                {
                    highest = i;
                }
            }
        }

        if (active > 1)
        {
            return (true, (byte)highest);
        }

        highest = -1;
        for (int i = 1; i < MaxTracks; i++)
        {
            if (_audio[i] is { Seen: true, Mode: TrackMode.Active } && (highest < 0 || _audio[i].Rate > _audio[highest].Rate))
            {
                highest = i;
            }
        }

        return highest > 0 ? (false, (byte)highest) : null;
    }

    private enum TrackMode
    {
        Active,
        Shed,
        Resuming,
    }

    private struct TrackState
    {
        public bool Seen;
        public TrackMode Mode;
        public long Bytes;
        public long Milliseconds;
        public long? LastMs;

        public readonly double Rate => Bytes / (double)Math.Max(Milliseconds, 1);
    }
}
