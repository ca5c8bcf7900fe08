using Uplink.Protocol.Chunks;
using Uplink.Messages;

namespace Uplink.Sending;

/// <summary>
/// Live mode's drops, as OBS makes them: when too much media waits unsent, non-reference frames go first, then every
/// inter frame until the next keyframe; past the byte bound keyframes go (with the frames that depend on them), audio
/// last. A multitrack stream first sheds whole tracks, highest bitrate first (<see cref="RenditionLadder"/>), and
/// applies those drops only to the lowest rendition and the default audio. Each video track waits for its own
/// keyframe. Sequence headers and timecode are never dropped.
/// </summary>
internal sealed partial class SendQueue
{
    private const int MaxTracks = 256;

    private readonly bool[] _dropUntilKeyframe = new bool[MaxTracks];
    private readonly RenditionLadder _ladder = new();
    private int _liveFrom;

    /// <summary>
    /// Live mode: keeps a message unless the policy drops it, after dropping queued frames by priority when the unsent
    /// media written since the last (re)connection spans too long or the unsent bytes pass <paramref name="maxUnsentBytes"/>:
    /// whole tracks of a multitrack stream first, then non-reference frames, then every inter frame until the next
    /// keyframe, then (for bytes) keyframes, audio last. Sequence headers are never dropped.
    /// </summary>
    /// <returns>How many frames (video, audio) were dropped, the new one included.</returns>
    public (int Video, int Audio) AddLive(in OutgoingMessage message, LiveDropThresholds thresholds, long maxUnsentBytes)
    {
        var dropped = default(DropCount);
        _ladder.Observe(message);
        bool video = message.Type == RtmpMessageType.Video;
        if (_ladder.Holds(message) || (video && _dropUntilKeyframe[message.Track] && message.IsVideoInterFrame))
        {
            dropped.Count(message);
            message.Release();
            return (dropped.Video, dropped.Audio);
        }

        if (message.IsVideoKeyframe)
        {
            _dropUntilKeyframe[message.Track] = false;
        }

        int start = Math.Max(_next, _liveFrom);
        long? first = FirstPresentTimestamp(start);
        long span = first is long f ? message.TimestampMs - f : 0;
        _ladder.Recover(span, message.TimestampMs, thresholds, thresholds.RenditionRecoveryMs);
        bool dropIncoming = false;
        // The backlog from before the last shed is still going out: the shed gets its chance before anything else goes,
        // unless the backlog keeps growing (the network stopped) past twice the inter-frame threshold.
        long dueSpan = _ladder.Settling(first) && span < 2 * thresholds.InterFramesMs ? 0 : span;
        if (_ladder.CanShed && dueSpan >= thresholds.DisposableFramesMs)
        {
            // A multitrack stream sheds a rendition before touching any frame of the others.
            dropIncoming = ShedTrack(start, message, ref dropped);
        }
        else if (dueSpan >= thresholds.InterFramesMs)
        {
            DropQueued(start, DropKind.InterFrames, ref dropped);
            dropIncoming = message.IsVideoInterFrame;
            if (dropIncoming)
            {
                _dropUntilKeyframe[message.Track] = true;
            }
        }
        else if (dueSpan >= thresholds.DisposableFramesMs)
        {
            DropQueued(start, DropKind.Disposable, ref dropped);
            dropIncoming = message.IsNonReference && message.IsVideoInterFrame;
        }

        if (!dropIncoming && _unsentBytes + message.Length > maxUnsentBytes && _ladder.CanShed)
        {
            dropIncoming = ShedTrack(start, message, ref dropped);
        }

        if (!dropIncoming && _unsentBytes + message.Length > maxUnsentBytes)
        {
            // Over the byte bound: inter frames first (the new one rather than older ones), then the oldest of anything.
            DropQueued(start, DropKind.InterFrames, ref dropped);
            dropIncoming = message.IsVideoInterFrame;
            if (dropIncoming)
            {
                _dropUntilKeyframe[message.Track] = true;
            }

            // Then keyframes, oldest first; audio only when no video is left to drop.
            for (int pass = 0; pass < 2 && !dropIncoming; pass++)
            {
                RtmpMessageType type = pass == 0 ? RtmpMessageType.Video : RtmpMessageType.Audio;
                for (int i = start; i < _entries.Count && _unsentBytes + message.Length > maxUnsentBytes; i++)
                {
                    if (_entries[i].Message is { IsPresent: true, IsConfiguration: false } m && m.Type == type)
                    {
                        Drop(i, ref dropped);
                    }
                }
            }

            dropIncoming |= !message.IsConfiguration && _unsentBytes + message.Length > maxUnsentBytes;
        }

        if (dropIncoming)
        {
            if (message.IsVideoKeyframe)
            {
                _dropUntilKeyframe[message.Track] = true;
            }

            dropped.Count(message);
            message.Release();
            SkipDropped();
            Snapshot();
            return (dropped.Video, dropped.Audio);
        }

        if (message.IsVideoKeyframe)
        {
            // The inter frames dropped above came before this keyframe: its track goes on from it.
            _dropUntilKeyframe[message.Track] = false;
        }

        (int addedVideo, int addedAudio) = Add(message);
        return (dropped.Video + addedVideo, dropped.Audio + addedAudio);
    }

    /// <summary>What is queued from now on is subject to live dropping; what is already queued (a reconnect's backlog) is sent in full.</summary>
    public void StartLiveRegion()
    {
        _liveFrom = _entries.Count;
        Array.Clear(_dropUntilKeyframe);
    }

    /// <summary>The video track shed or sent again since the last call (live mode, multitrack), for the log.</summary>
    public (byte Track, bool Shed)? TakeRenditionChange() => _ladder.TakeChange();

    /// <summary>Sheds the highest-bitrate track: drops its unsent frames and, from now on, the ones it writes.</summary>
    /// <returns>Whether <paramref name="incoming"/> belongs to it (and so goes too).</returns>
    private bool ShedTrack(int start, in OutgoingMessage incoming, ref DropCount dropped)
    {
        (bool video, byte track) = _ladder.Shed(incoming.TimestampMs);
        RtmpMessageType type = video ? RtmpMessageType.Video : RtmpMessageType.Audio;
        for (int i = start; i < _entries.Count; i++)
        {
            if (_entries[i].Message is { IsPresent: true, IsConfiguration: false } m && m.Type == type && m.Track == track)
            {
                DropOne(i, ref dropped);
            }
        }

        return !incoming.IsConfiguration && incoming.Type == type && incoming.Track == track;
    }

    /// <returns>Whether anything was dropped.</returns>
    private bool DropQueued(int start, DropKind kind, ref DropCount dropped)
    {
        bool any = false;
        for (int i = start; i < _entries.Count; i++)
        {
            OutgoingMessage m = _entries[i].Message;
            if (m.IsPresent && m.IsVideoInterFrame && (kind == DropKind.InterFrames || m.IsNonReference))
            {
                Drop(i, ref dropped);
                if (kind == DropKind.InterFrames)
                {
                    // Later inter frames of its track depend on it: they go until the track's next keyframe.
                    _dropUntilKeyframe[m.Track] = true;
                }

                any = true;
            }
        }

        return any;
    }

    /// <summary>Releases an unsent message and leaves an empty place (sending skips it). A dropped keyframe takes the
    /// inter frames of its track after it along (they cannot be decoded without it), up to the track's next keyframe or
    /// from now on.</summary>
    private void Drop(int index, ref DropCount dropped)
    {
        OutgoingMessage m = _entries[index].Message;
        bool keyframe = m.IsVideoKeyframe;
        DropOne(index, ref dropped);
        if (!keyframe)
        {
            return;
        }

        for (int i = index + 1; i < _entries.Count; i++)
        {
            OutgoingMessage later = _entries[i].Message;
            if (!later.IsPresent || later.Type != RtmpMessageType.Video || later.Track != m.Track)
            {
                continue;
            }

            if (later.IsVideoKeyframe)
            {
                return;
            }

            if (later.IsVideoInterFrame)
            {
                DropOne(i, ref dropped);
            }
        }

        _dropUntilKeyframe[m.Track] = true;
    }

    private void DropOne(int index, ref DropCount dropped)
    {
        OutgoingMessage m = _entries[index].Message;
        dropped.Count(m);
        _unsentBytes -= m.Length;
        _bytes -= m.Length;
        m.Release();
        _entries[index] = new Entry(default, -1);
    }

    private enum DropKind
    {
        Disposable,
        InterFrames,
    }
}
