using System.Diagnostics;
using System.Runtime.CompilerServices;
using Uplink.Protocol.Chunks;
using Uplink.Flv;
using Uplink.Messages;
using Uplink.Sending;
using Uplink.Session;
using Uplink.Streaming;

namespace Uplink.Destinations;

/// <summary>Sending: on the caller's thread, or by the send loop (with backpressure, or live), onto the wire.</summary>
internal sealed partial class RtmpDestination
{
    private readonly AsyncSignal _dataReady = new();
    private readonly AsyncSignal _roomMade = new();
    private readonly AsyncSignal _drainedSignal = new();
    private readonly LiveDropThresholds _liveThresholds;
    private readonly long _outputBufferSize;
    private Task? _sendLoop;
    private volatile bool _sendLoopClosed;
    private long _drainRequested;
    private long _drained;
    private long _inFlightBytes;
    private long _videoFramesResent;
    private long _audioFramesResent;
    private long[] _batchQueuedAt = new long[64];
    private int _batchCount;
    private ITimer? _roomTimer;
    private int _roomTimedOut;
    private Link? _startLink;

    /// <summary>
    /// Sends what the stream has queued here: here and now (no send loop), or wakes the send loop and waits for room
    /// (backpressure, not in live mode) or, with <paramref name="drain"/>, until all is sent.
    /// </summary>
    /// <exception cref="RtmpException">Without reconnection, the connection was lost or the server stopped reading.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(bool drain, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendCoreAsync(drain, cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            Failure ??= ex.Message;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCoreAsync(bool drain, CancellationToken cancellationToken)
    {
        if (!_options.UsesSendLoop)
        {
            if (Connection is { } connection && _lostReason is null)
            {
                await SendPendingAsync(connection, fromSendLoop: false, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _dataReady.Set();
        if (drain)
        {
            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!_options.LiveMode)
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The send loop, one for the destination's whole life: whenever woken it sends what is queued on the current connection,
    /// follows a ReconnectRequest when sending reaches its barrier, and reports drains. A lost connection only pauses it.
    /// </summary>
    private async Task SendLoopAsync()
    {
        while (!_sendLoopClosed)
        {
            // Read before sending: a drain asked for after the last message was queued then still sends it.
            long drain = Volatile.Read(ref _drainRequested);
            if (Connection is { } connection && _lostReason is null)
            {
                try
                {
                    await SendPendingAsync(connection, fromSendLoop: true, CancellationToken.None).ConfigureAwait(false);
                    bool atBarrier;
                    lock (_queue)
                    {
                        atBarrier = _queue.AtBarrier;
                    }

                    if (atBarrier && _loopRequest is { } request && _lostReason is null)
                    {
                        await FollowFromSendLoopAsync(connection, request).ConfigureAwait(false);
                        continue;
                    }
                }
#pragma warning disable CA1031 // Nothing may escape the loop; whatever it was, that connection is lost.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    MarkLost(connection, connection.CloseReason ?? ex.Message, ex is RtmpException rtmp ? rtmp.Kind : RtmpErrorKind.Disconnected);
                }
            }

            Volatile.Write(ref _drained, drain);
            _drainedSignal.Set();
            _roomMade.Set();
            await _dataReady.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the send loop has sent everything queued before this call, or the connection is lost (caller holds the gate).</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_sendLoop is null)
        {
            return;
        }

        long generation = Interlocked.Increment(ref _drainRequested);
        _dataReady.Set();
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static s => ((AsyncSignal)s!).Set(), _drainedSignal);
        while (Volatile.Read(ref _drained) < generation && _lostReason is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _drainedSignal.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the send loop for good (the destination is closing).</summary>
    private async Task StopSendLoopAsync()
    {
        _sendLoopClosed = true;
        _dataReady.Set();
        if (_sendLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Backpressure (non-live mode with a send loop): waits while the send buffer holds more than its bound. Ends when there
    /// is room, when the connection is lost (reconnection then takes the backlog; without it the write fails), or when the
    /// send loop made no progress for the send timeout.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (QueuedBytes <= _outputBufferSize || Connection is not { } connection)
        {
            return;
        }

        _roomTimer ??= _options.TimeProvider.CreateTimer(static s => ((RtmpDestination)s!).OnRoomTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static s => ((AsyncSignal)s!).Set(), _roomMade);
        long progress = connection.BytesSent;
        Volatile.Write(ref _roomTimedOut, 0);
        _roomTimer.Change(_options.SendTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                if (_lostReason is { } lost)
                {
                    if (ReconnectEnabled)
                    {
                        return;
                    }

                    throw new RtmpException(_lostKind, $"the connection to the server was lost: {lost}");
                }

                if (QueuedBytes <= _outputBufferSize || _reconnecting || _followingRequest)
                {
                    return;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (connection.BytesSent != progress)
                {
                    progress = connection.BytesSent;
                    Volatile.Write(ref _roomTimedOut, 0);
                    _roomTimer.Change(_options.SendTimeout, Timeout.InfiniteTimeSpan);
                }
                else if (Volatile.Read(ref _roomTimedOut) != 0)
                {
                    string reason = $"the send buffer stayed full for {_options.SendTimeout.TotalSeconds:0.#} s (the server stopped reading)";
                    MarkLost(reason, RtmpErrorKind.Timeout);
                    if (ReconnectEnabled)
                    {
                        return;
                    }

                    throw new RtmpException(RtmpErrorKind.Timeout, reason);
                }

                await _roomMade.WaitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _roomTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnRoomTimeout()
    {
        Volatile.Write(ref _roomTimedOut, 1);
        _roomMade.Set();
    }

    /// <summary>
    /// Sends what the send queue has not yet sent on this connection, in socket writes of up to
    /// <see cref="RtmpWriterOptions.OutputPacketSize"/>: on the caller's thread under the gate, or on the send loop.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendPendingAsync(RtmpClientConnection connection, bool fromSendLoop, CancellationToken cancellationToken)
    {
        await connection.EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_link is not { } link || link.Connection != connection)
            {
                // Torn down while this send waited for the lock.
                return;
            }

            bool more = true;
            bool measureLatency = UplinkMetrics.SendLatency.Enabled;
            while (more)
            {
                _batchCount = 0;
                lock (_queue)
                {
                    while (_queue.TryPeekUnsent(out OutgoingMessage message))
                    {
                        if (!link.Carries(message))
                        {
                            // A server without Multitrack gets the default tracks only.
                            _queue.MarkSent(0);
                            continue;
                        }

                        bool video = message.Type == RtmpMessageType.Video;
                        if (video && link.WaitForKeyframe[message.Track] && message.IsVideoInterFrame)
                        {
                            // After a reconnect whose GOP start was not kept (or on a track whose GOPs do not line up with
                            // the default track's): the track resumes on its next keyframe.
                            _queue.MarkSent(0);
                            CountDropped(1, 0);
                            continue;
                        }

                        if (video && message.IsVideoKeyframe)
                        {
                            link.WaitForKeyframe[message.Track] = false;
                        }

                        if (measureLatency && message.QueuedAt != 0)
                        {
                            NoteQueued(message.QueuedAt);
                        }

                        Emit(link, message);
                        if (_queue.MarkSent(connection.BytesSent + connection.PendingBytes) && !message.IsConfiguration)
                        {
                            CountResent(message.Type);
                        }
                        if (connection.PendingBytes >= _options.OutputPacketSize)
                        {
                            break;
                        }
                    }

                    more = _queue.HasUnsent;
                    if (_windowSizer.TryTakeChange(out uint window))
                    {
                        connection.AnnounceWindow(window);
                    }
                }

                // Taken from the queue but not yet in the socket: still counts against the output buffer.
                Volatile.Write(ref _inFlightBytes, connection.PendingBytes);
                await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _inFlightBytes, 0);
                if (measureLatency)
                {
                    RecordLatency();
                }

                lock (_queue)
                {
                    if (ReconnectEnabled)
                    {
                        _queue.Trim(connection.BytesConfirmed);
                    }
                    else
                    {
                        _queue.ReleaseSent();
                    }
                }

                _roomMade.Set();
            }
        }
        catch (RtmpException ex) when (ex.Kind is RtmpErrorKind.Disconnected or RtmpErrorKind.Timeout or RtmpErrorKind.Protocol)
        {
            MarkLost(connection, connection.CloseReason ?? ex.Message, ex.Kind);
            if (!ReconnectEnabled && !fromSendLoop)
            {
                // Torn down by the next write, DisconnectAsync or DisposeAsync (all under the gate).
                throw;
            }
        }
        finally
        {
            Volatile.Write(ref _inFlightBytes, 0);
            connection.ExitSend();
        }
    }

    private void NoteQueued(long queuedAt)
    {
        if (_batchCount == _batchQueuedAt.Length)
        {
            Array.Resize(ref _batchQueuedAt, _batchCount * 2);
        }

        _batchQueuedAt[_batchCount++] = queuedAt;
    }

    private void RecordLatency()
    {
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < _batchCount; i++)
        {
            UplinkMetrics.SendLatency.Record(Stopwatch.GetElapsedTime(_batchQueuedAt[i], now).TotalMilliseconds);
        }

        _batchCount = 0;
    }

    private void CountResent(RtmpMessageType type)
    {
        if (type == RtmpMessageType.Video)
        {
            Interlocked.Increment(ref _videoFramesResent);
        }
        else if (type == RtmpMessageType.Audio)
        {
            Interlocked.Increment(ref _audioFramesResent);
        }
    }

    private void CountDropped(int video, int audio)
    {
        if (video > 0)
        {
            Interlocked.Add(ref _videoDropped, video);
            UplinkMetrics.FramesDropped.Add(video, UplinkMetrics.VideoTrack);
        }

        if (audio > 0)
        {
            Interlocked.Add(ref _audioDropped, audio);
            UplinkMetrics.FramesDropped.Add(audio, UplinkMetrics.AudioTrack);
        }
    }

    /// <summary>Chunks one message onto the link's connection, after the start of the stream if it has not gone out yet.</summary>
    private void Emit(Link link, in OutgoingMessage message)
    {
        RtmpClientConnection connection = link.Connection;
        if (!link.StartSent)
        {
            link.StartSent = true;
            _timestamps.StartConnection(message.TimestampMs);
            SendStart(link);
        }

        if (message.Type == RtmpMessageType.DataAmf0)
        {
            // onFI (RtmpWriterOptions.Timecode): on the data chunk stream, at the timestamp of the frame it follows.
            connection.Enqueue(ChunkStreamIds.Data, message.Type, (uint)_timestamps.ToConnection(message.TimestampMs), connection.StreamId, message.Payload);
            return;
        }

        bool video = message.Type == RtmpMessageType.Video;
        if (message.IsConfiguration && FlvTags.IsDescriptor(video, message.Payload))
        {
            // Likewise a colorInfo or MultichannelConfig the start already sent.
            byte[]? described = (video ? link.SentVideoDescriptor : link.SentAudioDescriptor)[message.Track];
            if (described is not null && message.Payload.SequenceEqual(described))
            {
                return;
            }
        }

        if (message.IsConfiguration && FlvTags.IsSequenceHeader(video, message.Payload))
        {
            // Skip a queued sequence header the start of the stream already sent.
            byte[]?[] sent = video ? link.SentVideoHeader : link.SentAudioHeader;
            if (sent[message.Track] is { } last && message.Payload.SequenceEqual(last))
            {
                return;
            }

            sent[message.Track] = message.Payload.ToArray();
        }

        long ts = _timestamps.ToConnection(message.TimestampMs);
        connection.Enqueue(video ? ChunkStreamIds.Video : ChunkStreamIds.Audio, message.Type, (uint)ts, connection.StreamId, message.Payload);
        Interlocked.Exchange(ref _lastTimestampMs, _timestamps.ToStream(message.TimestampMs));
        if (!message.IsConfiguration)
        {
            _windowSizer.Observe(message.Length, message.TimestampMs, Stopwatch.GetTimestamp());
            if (video)
            {
                _timestamps.NoteVideoFrame(message.TimestampMs, message.Payload, message.IsVideoKeyframe);
                Interlocked.Increment(ref _videoFramesSent);
                UplinkMetrics.FramesSent.Add(1, UplinkMetrics.VideoTrack);
            }
            else
            {
                Interlocked.Increment(ref _audioFramesSent);
                UplinkMetrics.FramesSent.Add(1, UplinkMetrics.AudioTrack);
            }
        }
    }

    /// <summary>onMetaData, then the sequence headers known so far (each track the server takes), before the first frame on a connection.</summary>
    private void SendStart(Link link)
    {
        _startLink = link;
        try
        {
            _stream.WriteStart(this, allTracks: !link.DefaultTracksOnly, _startScratch);
        }
        finally
        {
            _startLink = null;
        }
    }

    void IStreamStartSink.Metadata(ReadOnlySpan<byte> body)
    {
        RtmpClientConnection connection = _startLink!.Connection;
        connection.Enqueue(ChunkStreamIds.Data, RtmpMessageType.DataAmf0, 0, connection.StreamId, body);
    }

    void IStreamStartSink.Configuration(bool video, byte track, ReadOnlySpan<byte> body, bool descriptor)
    {
        Link link = _startLink!;
        link.Connection.Enqueue(video ? ChunkStreamIds.Video : ChunkStreamIds.Audio, video ? RtmpMessageType.Video : RtmpMessageType.Audio, 0, link.Connection.StreamId, body);
        byte[]?[] sent = (video, descriptor) switch
        {
            (true, false) => link.SentVideoHeader,
            (true, true) => link.SentVideoDescriptor,
            (false, false) => link.SentAudioHeader,
            (false, true) => link.SentAudioDescriptor,
        };
        sent[track] = body.ToArray();
        if (!descriptor)
        {
            WriterLog.SequenceHeaderSent(_logger, video ? "video" : "audio", body.Length);
        }
    }
}
