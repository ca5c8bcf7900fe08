namespace Uplink.Output;

/// <summary>
/// Every message on its way to the server, kept until the server has acknowledged it, so that after a reconnect
/// the stream can go on from the start of the GOP holding the first unacknowledged frame — nothing lost, video
/// resuming on a keyframe. Also the backlog while there is no connection. Bounded in bytes: past the bound the
/// oldest messages go (the unsent ones among them are counted as dropped).
/// </summary>
internal sealed class ReplayBuffer
{
    private readonly List<Entry> _entries = [];
    private readonly long _maxBytes;
    private int _head;
    private int _next;
    private long _bytes;

    public ReplayBuffer(long maxBytes) => _maxBytes = maxBytes;

    private long _unsentDurationMs;

    /// <summary>Bytes held; safe to read from any thread (a snapshot).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Timestamp span of the messages not yet sent, in ms; safe to read from any thread (a snapshot).</summary>
    public long UnsentDurationMs => Volatile.Read(ref _unsentDurationMs);

    /// <summary>Keeps a message; returns how many unsent frames (video, audio) had to go to stay within the bound.</summary>
    public (int Video, int Audio) Add(in OutgoingMessage message)
    {
        _entries.Add(new Entry(message, -1));
        _bytes += message.Length;
        int video = 0;
        int audio = 0;
        while (_bytes > _maxBytes && _head < _entries.Count - 1)
        {
            Entry oldest = _entries[_head];
            if (_head >= _next && !oldest.Message.IsConfiguration)
            {
                if (oldest.Message.Type == Chunks.RtmpMessageType.Video)
                {
                    video++;
                }
                else
                {
                    audio++;
                }
            }

            Release(_head);
            _head++;
            _next = Math.Max(_next, _head);
        }

        Compact();
        Snapshot();
        return (video, audio);
    }

    /// <summary>The next message to send on the current connection.</summary>
    public bool TryPeekUnsent(out OutgoingMessage message)
    {
        if (_next < _entries.Count)
        {
            message = _entries[_next].Message;
            return true;
        }

        message = default;
        return false;
    }

    /// <summary>Marks the peeked message sent; <paramref name="endPosition"/> is the connection's byte count once it is out.</summary>
    public void MarkSent(long endPosition)
    {
        _entries[_next] = _entries[_next] with { EndPosition = endPosition };
        _next++;
        Snapshot();
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

        Compact();
    }

    /// <summary>After the connection was lost: from where to send again on the next one (see <see cref="Trim"/>).</summary>
    public void Rewind(long acknowledged)
    {
        Trim(acknowledged);
        for (int i = _head; i < _entries.Count; i++)
        {
            _entries[i] = _entries[i] with { EndPosition = -1 };
        }

        _next = _head;
        Snapshot();
    }

    public void Clear()
    {
        for (int i = _head; i < _entries.Count; i++)
        {
            _entries[i].Message.Release();
        }

        _entries.Clear();
        _head = 0;
        _next = 0;
        Volatile.Write(ref _bytes, 0);
        Snapshot();
    }

    private int ReplayStart(long acknowledged)
    {
        int firstUnacknowledged = _head;
        while (firstUnacknowledged < _next && _entries[firstUnacknowledged].EndPosition >= 0 && _entries[firstUnacknowledged].EndPosition <= acknowledged)
        {
            firstUnacknowledged++;
        }

        bool hasVideo = false;
        for (int i = firstUnacknowledged; i >= _head; i--)
        {
            if (i < _entries.Count && _entries[i].Message.IsVideoKeyframe)
            {
                return i;
            }

            hasVideo |= i < _entries.Count && _entries[i].Message.Type == Chunks.RtmpMessageType.Video;
        }

        // No keyframe retained: an audio-only stream starts anywhere; with video, keep what there is.
        return hasVideo ? _head : firstUnacknowledged;
    }

    private void Snapshot() =>
        Volatile.Write(ref _unsentDurationMs, _next >= _entries.Count ? 0 : _entries[^1].Message.TimestampMs - _entries[_next].Message.TimestampMs);

    private void Release(int index)
    {
        _bytes -= _entries[index].Message.Length;
        _entries[index].Message.Release();
        _entries[index] = default;
    }

    private void Compact()
    {
        if (_head > 1024 && _head > _entries.Count / 2)
        {
            _entries.RemoveRange(0, _head);
            _next -= _head;
            _head = 0;
        }
    }

    private readonly record struct Entry(OutgoingMessage Message, long EndPosition);
}
