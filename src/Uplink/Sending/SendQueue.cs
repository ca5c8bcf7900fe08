using Uplink.Messages;
using Uplink.Protocol.Chunks;

namespace Uplink.Sending;

/// <summary>
/// Every message on its way to the server — the send queue — kept until the server has acknowledged it, so that
/// after a reconnect the stream can go on from the start of the GOP holding the first unacknowledged frame: nothing
/// lost, video resuming on a keyframe. Also the backlog while there is no connection. Bounded in bytes: past the
/// bound the oldest messages go (the unsent ones among them are counted as dropped). In live mode
/// (<see cref="AddLive"/>, in SendQueue.LiveDrops.cs) unsent frames are dropped by priority when too much media waits.
/// </summary>
/// <remarks>Not thread-safe: the writer and its send loop lock the instance around every use, and hold that lock
/// from peeking a message until it is marked sent (so a drop never releases a buffer being chunked).</remarks>
internal sealed partial class SendQueue
{
    private readonly List<Entry> _entries = [];
    private readonly long _maxBytes;
    private int _head;
    private int _next;
    private int _barrier = -1;
    private long _bytes;
    private long _unsentBytes;
    private long _unsentDurationMs;
    private long _newestMs;
    private long _compacted;

    public SendQueue(long maxBytes) => _maxBytes = maxBytes;

    /// <summary>The sequence number of the oldest message kept (where a replay starts after <see cref="Rewind"/>): messages
    /// are numbered from 0 as they are added, so two rewinds can be compared.</summary>
    public long OldestSequence => _compacted + _head;

    /// <summary>The sequence number of the next message to send on the current connection (see <see cref="OldestSequence"/>).</summary>
    public long NextSequence => _compacted + _next;

    /// <summary>The sequence number the next message added will have (see <see cref="OldestSequence"/>).</summary>
    public long EndSequence => _compacted + _entries.Count;

    /// <summary>Bytes held; safe to read from any thread (a snapshot).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Bytes not yet sent on the current connection; safe to read from any thread (a snapshot).</summary>
    public long UnsentBytes => Volatile.Read(ref _unsentBytes);

    /// <summary>Timestamp span of the messages not yet sent, in ms; safe to read from any thread (a snapshot).</summary>
    public long UnsentDurationMs => Volatile.Read(ref _unsentDurationMs);

    /// <summary>Whether a message waits to be sent (before the barrier, when there is one).</summary>
    public bool HasUnsent => _next < SendLimit;

    /// <summary>The frames and bytes not yet sent (sequence headers and timecode not counted as frames): what a stop now would lose.</summary>
    public (int Video, int Audio, long Bytes) CountUnsent()
    {
        int video = 0;
        int audio = 0;
        for (int i = _next; i < _entries.Count; i++)
        {
            OutgoingMessage m = _entries[i].Message;
            if (m.IsPresent && !m.IsConfiguration)
            {
                if (m.Type == RtmpMessageType.Video)
                {
                    video++;
                }
                else if (m.Type == RtmpMessageType.Audio)
                {
                    audio++;
                }
            }
        }

        return (video, audio, _unsentBytes);
    }

    /// <summary>Sending has reached the barrier (see <see cref="SetBarrier"/>).</summary>
    public bool AtBarrier => _barrier >= 0 && _next >= _barrier;

    private int SendLimit => _barrier >= 0 ? Math.Min(_barrier, _entries.Count) : _entries.Count;

    /// <summary>Sending stops before the next message added, until <see cref="ClearBarrier"/> (a move to another connection there).</summary>
    public void SetBarrier() => _barrier = _entries.Count;

    public void ClearBarrier()
    {
        _barrier = -1;
        SkipDropped();
        Snapshot();
    }

    /// <summary>Keeps a message; returns how many unsent frames (video, audio) had to go to stay within the bound.</summary>
    public (int Video, int Audio) Add(in OutgoingMessage message)
    {
        _entries.Add(new Entry(message, -1));
        _bytes += message.Length;
        _unsentBytes += message.Length;
        _newestMs = message.TimestampMs;
        var dropped = default(DropCount);
        while (_bytes > _maxBytes && _head < _entries.Count - 1)
        {
            Entry oldest = _entries[_head];
            if (_head >= _next && oldest.Message.IsPresent && !oldest.Message.IsConfiguration)
            {
                dropped.Count(oldest.Message);
            }

            Release(_head);
            _head++;
            _next = Math.Max(_next, _head);
            _liveFrom = Math.Max(_liveFrom, _head);
        }

        SkipDropped();
        Compact();
        Snapshot();
        return (dropped.Video, dropped.Audio);
    }

    /// <summary>The next message to send on the current connection.</summary>
    public bool TryPeekUnsent(out OutgoingMessage message)
    {
        if (_next < SendLimit)
        {
            message = _entries[_next].Message;
            return true;
        }

        message = default;
        return false;
    }

    /// <summary>Marks the peeked message sent; <paramref name="endPosition"/> is the connection's byte count once it is out.</summary>
    /// <returns>Whether it had been sent before (on a connection that was lost): a re-send of a replay.</returns>
    public bool MarkSent(long endPosition)
    {
        Entry entry = _entries[_next];
        _unsentBytes -= entry.Message.Length;
        _entries[_next] = entry with { EndPosition = endPosition, SentBefore = true };
        _next++;
        SkipDropped();
        Snapshot();
        return entry.SentBefore;
    }

    /// <summary>
    /// Lets go of what the server has acknowledged, keeping everything from the last video keyframe at or before
    /// the first unacknowledged message (where a replay would have to start).
    /// </summary>
    public void Trim(long acknowledged)
    {
        int keep = ReplayStart(acknowledged);
        while (_head < keep)
        {
            Release(_head);
            _head++;
        }

        _liveFrom = Math.Max(_liveFrom, _head);
        Compact();
    }

    /// <summary>Lets go of everything sent (when there is no reconnection to replay for).</summary>
    public void ReleaseSent()
    {
        while (_head < _next)
        {
            Release(_head);
            _head++;
        }

        _liveFrom = Math.Max(_liveFrom, _head);
        Compact();
    }

    /// <summary>After the connection was lost: from where to send again on the next one (see <see cref="Trim"/>).</summary>
    public void Rewind(long acknowledged)
    {
        Trim(acknowledged);
        _unsentBytes = 0;
        for (int i = _head; i < _entries.Count; i++)
        {
            _entries[i] = _entries[i] with { EndPosition = -1 };
            _unsentBytes += _entries[i].Message.Length;
        }

        _next = _head;
        _barrier = -1;
        SkipDropped();
        Snapshot();
    }

    public void Clear()
    {
        for (int i = _head; i < _entries.Count; i++)
        {
            _entries[i].Message.Release();
        }

        _compacted += _entries.Count;
        _entries.Clear();
        _head = 0;
        _next = 0;
        _liveFrom = 0;
        _barrier = -1;
        Array.Clear(_dropUntilKeyframe);
        _ladder.Reset();
        _unsentBytes = 0;
        Volatile.Write(ref _bytes, 0);
        Snapshot();
    }

    private long? FirstPresentTimestamp(int start)
    {
        for (int i = start; i < _entries.Count; i++)
        {
            if (_entries[i].Message.IsPresent)
            {
                return _entries[i].Message.TimestampMs;
            }
        }

        return null;
    }

    private void SkipDropped()
    {
        while (_next < SendLimit && !_entries[_next].Message.IsPresent)
        {
            _next++;
        }
    }

    private int ReplayStart(long acknowledged)
    {
        int firstUnacknowledged = _head;
        while (firstUnacknowledged < _next
            && (!_entries[firstUnacknowledged].Message.IsPresent
                || (_entries[firstUnacknowledged].EndPosition >= 0 && _entries[firstUnacknowledged].EndPosition <= acknowledged)))
        {
            firstUnacknowledged++;
        }

        // Back from there to a keyframe of every video track met on the way (each track's GOP holding its first
        // unacknowledged frame), so that no track loses what the server had not confirmed.
        Span<bool> met = stackalloc bool[MaxTracks];
        Span<bool> found = stackalloc bool[MaxTracks];
        int waiting = 0;
        int start = firstUnacknowledged;
        for (int i = Math.Min(firstUnacknowledged, _entries.Count - 1); i >= _head; i--)
        {
            OutgoingMessage m = _entries[i].Message;
            if (!m.IsPresent || m.Type != RtmpMessageType.Video || m.IsConfiguration || found[m.Track])
            {
                continue;
            }

            if (!met[m.Track])
            {
                met[m.Track] = true;
                waiting++;
            }

            if (m.IsVideoKeyframe)
            {
                found[m.Track] = true;
                waiting--;
                start = i;
                if (waiting == 0 && !MoreVideoTracksBefore(i, met))
                {
                    return start;
                }
            }
        }

        // A track without a retained keyframe: keep what there is (an audio-only stream starts anywhere).
        return waiting > 0 ? _head : start;
    }

    /// <summary>Whether a video track not yet met appears before <paramref name="index"/> (its GOP may reach past the start found so far).</summary>
    private bool MoreVideoTracksBefore(int index, ReadOnlySpan<bool> met)
    {
        for (int i = index - 1; i >= _head; i--)
        {
            if (_entries[i].Message is { IsPresent: true, IsConfiguration: false, Type: RtmpMessageType.Video } m && !met[m.Track])
            {
                return true;
            }
        }

        return false;
    }

    private void Snapshot()
    {
        Volatile.Write(ref _unsentDurationMs, FirstPresentTimestamp(_next) is long first ? _newestMs - first : 0);
    }

    private void Release(int index)
    {
        _bytes -= _entries[index].Message.Length;
        _entries[index].Message.Release();
        _entries[index] = default;
    }

    private void Compact()
    {
        // Early and often: the list's capacity is what a writer keeps for good (a thousand writers in one process), and
        // moving the live half down costs no more, amortised, than the entries that went.
        if (_head >= 64 && _head > _entries.Count / 2)
        {
            _entries.RemoveRange(0, _head);
            _compacted += _head;
            _next -= _head;
            _liveFrom = Math.Max(0, _liveFrom - _head);
            _barrier = _barrier < 0 ? -1 : Math.Max(0, _barrier - _head);
            _head = 0;
        }
    }

    private struct DropCount
    {
        public int Video;
        public int Audio;

        public void Count(in OutgoingMessage message)
        {
            if (message.Type == RtmpMessageType.Video)
            {
                Video++;
            }
            else
            {
                Audio++;
            }
        }
    }

    /// <param name="Message">The message; default once released or dropped.</param>
    /// <param name="EndPosition">The connection's byte count once it was out; -1 while unsent on the current connection.</param>
    /// <param name="SentBefore">Sent on some connection already (a rewind keeps it, so a replay counts as a re-send).</param>
    private readonly record struct Entry(OutgoingMessage Message, long EndPosition, bool SentBefore = false);
}
