using Uplink.Protocol.Chunks;
using Uplink.Messages;

namespace Uplink.Sending;

/// <summary>
/// Live mode's drops, as OBS makes them: when too much media waits unsent, non-reference frames go first, then every
/// inter frame until the next keyframe; past the byte bound keyframes go (with the frames that depend on them), audio
/// last. Sequence headers and timecode are never dropped.
/// </summary>
internal sealed partial class SendQueue
{
    private int _liveFrom;
    private bool _dropUntilKeyframe;

    /// <summary>
    /// Live mode: keeps a message unless the policy drops it, after dropping queued frames by priority when the unsent
    /// media written since the last (re)connection spans too long or the unsent bytes pass <paramref name="maxUnsentBytes"/>:
    /// non-reference frames first, then every inter frame until the next keyframe, then (for bytes) keyframes, audio last.
    /// Sequence headers are never dropped.
    /// </summary>
    /// <returns>How many frames (video, audio) were dropped, the new one included.</returns>
    public (int Video, int Audio) AddLive(in OutgoingMessage message, LiveDropThresholds thresholds, long maxUnsentBytes)
    {
        var dropped = default(DropCount);
        if (message.IsVideoKeyframe)
        {
            _dropUntilKeyframe = false;
        }
        else if (_dropUntilKeyframe && message.IsVideoInterFrame)
        {
            dropped.Count(message);
            message.Release();
            return (dropped.Video, dropped.Audio);
        }

        int start = Math.Max(_next, _liveFrom);
        long span = FirstPresentTimestamp(start) is long first ? message.TimestampMs - first : 0;
        bool dropIncoming = false;
        if (span >= thresholds.InterFramesMs)
        {
            bool any = DropQueued(start, DropKind.InterFrames, ref dropped);
            dropIncoming = message.IsVideoInterFrame;
            _dropUntilKeyframe |= (any || dropIncoming) && !message.IsVideoKeyframe;
        }
        else if (span >= thresholds.DisposableFramesMs)
        {
            DropQueued(start, DropKind.Disposable, ref dropped);
            dropIncoming = message.IsNonReference && message.IsVideoInterFrame;
        }

        if (!dropIncoming && _unsentBytes + message.Length > maxUnsentBytes)
        {
            // Over the byte bound: inter frames first (the new one rather than older ones), then the oldest of anything.
            bool any = DropQueued(start, DropKind.InterFrames, ref dropped);
            dropIncoming = message.IsVideoInterFrame;
            _dropUntilKeyframe |= (any || dropIncoming) && !message.IsVideoKeyframe;
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
            _dropUntilKeyframe |= message.IsVideoKeyframe;
            dropped.Count(message);
            message.Release();
            SkipDropped();
            Snapshot();
            return (dropped.Video, dropped.Audio);
        }

        if (message.IsVideoKeyframe)
        {
            _dropUntilKeyframe = false;
        }

        (int video, int audio) = Add(message);
        return (dropped.Video + video, dropped.Audio + audio);
    }

    /// <summary>What is queued from now on is subject to live dropping; what is already queued (a reconnect's backlog) is sent in full.</summary>
    public void StartLiveRegion()
    {
        _liveFrom = _entries.Count;
        _dropUntilKeyframe = false;
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
                any = true;
            }
        }

        return any;
    }

    /// <summary>Releases an unsent message and leaves an empty place (sending skips it). A dropped keyframe takes the
    /// inter frames after it along (they cannot be decoded without it), up to the next keyframe or from now on.</summary>
    private void Drop(int index, ref DropCount dropped)
    {
        OutgoingMessage m = _entries[index].Message;
        bool keyframe = m.IsVideoKeyframe;
        dropped.Count(m);
        _unsentBytes -= m.Length;
        _bytes -= m.Length;
        m.Release();
        _entries[index] = new Entry(default, -1);
        if (!keyframe)
        {
            return;
        }

        for (int i = index + 1; i < _entries.Count; i++)
        {
            OutgoingMessage later = _entries[i].Message;
            if (later.IsVideoKeyframe)
            {
                return;
            }

            if (later.IsPresent && later.IsVideoInterFrame)
            {
                Drop(i, ref dropped);
            }
        }

        _dropUntilKeyframe = true;
    }

    private enum DropKind
    {
        Disposable,
        InterFrames,
    }
}
