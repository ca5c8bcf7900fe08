using Uplink.Session;

namespace Uplink.Destinations;

/// <summary>What a destination reports: its name, status, why it failed, and its stats.</summary>
internal sealed partial class RtmpDestination
{
    /// <summary>How status events and stats name this destination (never a secret).</summary>
    public string Name { get; }

    /// <summary>This destination's connection state.</summary>
    public RtmpWriterStatus Status => _current;

    /// <summary>Why this destination stopped taking the stream for good (it failed, or could not connect); null while it takes it.</summary>
    public string? Failure { get; private set; }

    /// <summary>What kind of failure <see cref="Failure"/> is.</summary>
    public RtmpErrorKind FailureKind => _lostKind;

    /// <summary>Set when this destination ended for good; the writer no longer sends it anything.</summary>
    public bool HasFailed => Failure is not null;

    /// <summary>Sets this destination up to take the stream again (a ConnectAsync after a disconnect or a failure).</summary>
    private void Revive()
    {
        _disconnectedByCaller = false;
        Failure = null;
        lock (_queue)
        {
            _accepting = true;
        }
    }

    /// <summary>This destination's part of <see cref="RtmpWriter.GetStats"/>.</summary>
    public RtmpWriterStats GetStats()
    {
        RtmpClientConnection? c = Connection;
        long bytesSent = Interlocked.Read(ref _closedBytesSent) + (c?.BytesSent ?? 0);
        long since = Interlocked.Read(ref _firstConnectedTimestamp);
        double seconds = since == 0 ? 0 : _options.TimeProvider.GetElapsedTime(since).TotalSeconds;
        return new RtmpWriterStats(
            _current,
            bytesSent,
            Interlocked.Read(ref _closedBytesAcknowledged) + (c?.BytesAcknowledged ?? 0),
            Interlocked.Read(ref _videoFramesSent),
            Interlocked.Read(ref _audioFramesSent),
            Interlocked.Read(ref _videoDropped),
            Interlocked.Read(ref _audioDropped),
            TimeSpan.FromMilliseconds(Interlocked.Read(ref _lastTimestampMs)),
            Interlocked.Read(ref _reconnects),
            _queue.Bytes,
            TimeSpan.FromMilliseconds(_queue.UnsentDurationMs),
            seconds > 0 ? bytesSent * 8 / seconds : 0,
            Volatile.Read(ref _lastError),
            QueuedBytes,
            VideoFramesResent: Interlocked.Read(ref _videoFramesResent),
            AudioFramesResent: Interlocked.Read(ref _audioFramesResent));
    }

    /// <summary>Records a status change and tells the writer (which raises it and derives the stream's status).</summary>
    private void SetStatus(RtmpWriterStatus status, string reason)
    {
        if (_statusReported && _current == status && status == RtmpWriterStatus.Disconnected)
        {
            // A second Disconnected in a row is not news (the first is, even from the initial Disconnected: a destination
            // that could not connect in the background says so).
            return;
        }

        _statusReported = true;
        _current = status;
        _onStatus(this, status, reason);
    }

    /// <summary>Ends this destination for good: it takes no more messages and says why (a failure, not a caller's disconnect).</summary>
    private void Fail(string reason)
    {
        Failure ??= reason;
        lock (_queue)
        {
            _accepting = false;
            _queue.Clear();
        }
    }
}
