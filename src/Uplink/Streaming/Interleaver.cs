using Uplink.Messages;

namespace Uplink.Streaming;

/// <summary>
/// Orders the two tracks' messages by timestamp before they reach the wire. A message leaves when the other
/// track has something at least as late, when the other track is absent, or when its own track has run more
/// than the window ahead (the other track is silent); so memory is bounded by the window, not by the caller.
/// A track found silent stops holding the other back until it writes again: a video-only stream with the default
/// audio input waits one window at its start, not one window per frame.
/// </summary>
internal sealed class Interleaver
{
    private readonly Queue<OutgoingMessage> _video = new();
    private readonly Queue<OutgoingMessage> _audio = new();
    private readonly bool _hasVideo;
    private readonly bool _hasAudio;
    private readonly long _windowMs;
    private long _videoNewest = long.MinValue;
    private long _audioNewest = long.MinValue;
    private bool _videoSilent;
    private bool _audioSilent;

    public Interleaver(bool hasVideo, bool hasAudio, TimeSpan window)
    {
        _hasVideo = hasVideo;
        _hasAudio = hasAudio;
        _windowMs = (long)window.TotalMilliseconds;
    }

    public void Add(bool video, in OutgoingMessage message)
    {
        if (video)
        {
            _video.Enqueue(message);
            _videoNewest = Math.Max(_videoNewest, message.TimestampMs);
            _videoSilent = false;
        }
        else
        {
            _audio.Enqueue(message);
            _audioNewest = Math.Max(_audioNewest, message.TimestampMs);
            _audioSilent = false;
        }
    }

    /// <summary>Takes the next message that may leave now (or, with <paramref name="drain"/>, any message in order).</summary>
    public bool TryTake(bool drain, out OutgoingMessage message)
    {
        bool haveVideo = _video.TryPeek(out OutgoingMessage v);
        bool haveAudio = _audio.TryPeek(out OutgoingMessage a);
        if (haveVideo && haveAudio)
        {
            message = a.TimestampMs < v.TimestampMs ? _audio.Dequeue() : _video.Dequeue();
            return true;
        }

        if (haveVideo)
        {
            if (!_audioSilent && _hasAudio && _videoNewest - v.TimestampMs >= _windowMs)
            {
                _audioSilent = true;
            }

            if (drain || !_hasAudio || _audioSilent || _audioNewest >= v.TimestampMs)
            {
                message = _video.Dequeue();
                return true;
            }
        }

        if (haveAudio)
        {
            if (!_videoSilent && _hasVideo && _audioNewest - a.TimestampMs >= _windowMs)
            {
                _videoSilent = true;
            }

            if (drain || !_hasVideo || _videoSilent || _videoNewest >= a.TimestampMs)
            {
                message = _audio.Dequeue();
                return true;
            }
        }

        message = default;
        return false;
    }

    /// <summary>Releases every queued buffer (on failure or disposal).</summary>
    public void Clear()
    {
        while (_video.TryDequeue(out OutgoingMessage m))
        {
            m.Release();
        }

        while (_audio.TryDequeue(out OutgoingMessage m))
        {
            m.Release();
        }
    }
}
