using Uplink.Messages;

namespace Uplink.Streaming;

/// <summary>
/// Orders the tracks' messages by timestamp before they reach the wire: one queue per track (video tracks first, then
/// audio). The earliest queued message leaves once every other track either has something at least as late, is absent,
/// or was found silent: a track that has written nothing while another ran more than the window ahead stops holding
/// the others back until it writes again. So memory is bounded by the window, not by the caller, and a video-only
/// stream with the default audio input waits one window at its start, not one window per frame.
/// </summary>
internal sealed class Interleaver
{
    private readonly Queue<OutgoingMessage>[] _queues;
    private readonly long[] _newest;
    private readonly bool[] _silent;
    private readonly long _windowMs;

    /// <param name="queues">How many tracks (queues); a stream whose tracks of a kind are absent simply has fewer.</param>
    /// <param name="window">How far one track may run ahead of a silent one before the silent one stops holding it.</param>
    public Interleaver(int queues, TimeSpan window)
    {
        _queues = new Queue<OutgoingMessage>[queues];
        _newest = new long[queues];
        _silent = new bool[queues];
        for (int i = 0; i < queues; i++)
        {
            _queues[i] = new Queue<OutgoingMessage>();
            _newest[i] = long.MinValue;
        }

        _windowMs = (long)window.TotalMilliseconds;
    }

    public void Add(int queue, in OutgoingMessage message)
    {
        _queues[queue].Enqueue(message);
        _newest[queue] = Math.Max(_newest[queue], message.TimestampMs);
        _silent[queue] = false;
    }

    /// <summary>Takes the next message that may leave now (or, with <paramref name="drain"/>, any message in order).</summary>
    public bool TryTake(bool drain, out OutgoingMessage message)
    {
        // The earliest head; on a tie the lower queue (video before audio, track 0 first).
        int pick = -1;
        long at = 0;
        for (int i = 0; i < _queues.Length; i++)
        {
            if (_queues[i].TryPeek(out OutgoingMessage head) && (pick < 0 || head.TimestampMs < at))
            {
                pick = i;
                at = head.TimestampMs;
            }
        }

        if (pick < 0)
        {
            message = default;
            return false;
        }

        if (!drain)
        {
            for (int i = 0; i < _queues.Length; i++)
            {
                if (i == pick || _queues[i].Count > 0)
                {
                    continue;
                }

                if (!_silent[i] && _newest[pick] - at >= _windowMs)
                {
                    _silent[i] = true;
                }

                if (!_silent[i] && _newest[i] < at)
                {
                    // That track may still write something earlier.
                    message = default;
                    return false;
                }
            }
        }

        message = _queues[pick].Dequeue();
        return true;
    }

    /// <summary>Releases every queued buffer (on failure or disposal).</summary>
    public void Clear()
    {
        foreach (Queue<OutgoingMessage> queue in _queues)
        {
            while (queue.TryDequeue(out OutgoingMessage m))
            {
                m.Release();
            }
        }
    }
}
