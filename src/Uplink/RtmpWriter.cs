using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;
using Uplink.Codecs;
using Uplink.Flv;
using Uplink.Output;
using Uplink.Session;
using Uplink.Transport;

namespace Uplink;

/// <summary>
/// Publishes H.264 video and AAC audio as a live RTMP stream. Connect first (the connection test) or let the
/// first write connect; write access units and audio frames from one or two threads; disconnect to end the
/// stream cleanly. What reaches the server is interleaved by timestamp; each track's DTS must not go backwards.
/// </summary>
/// <example>
/// <code>
/// await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/demo" });
/// writer.StatusChanged += (_, e) => Console.WriteLine(e.Status);
/// await writer.ConnectAsync();
/// await writer.WriteVideoAsync(accessUnit, dts, pts);
/// await writer.WriteAudioAsync(adtsFrame, pts);
/// await writer.DisconnectAsync();
/// </code>
/// </example>
public sealed class RtmpWriter : IAsyncDisposable
{
    private readonly RtmpWriterOptions _options;
    private RtmpUrl _url;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly VideoTagBuilder? _video;
    private readonly AudioTagBuilder? _audio;
    private readonly Interleaver _interleaver;
    private readonly PooledBufferWriter _scratch = new(1024);
    private readonly PooledBufferWriter _sendScratch = new(1024);
    private readonly MessageArena _arena = new();
    private readonly ArenaMessageWriter _tagWriter;
    private readonly AsyncSignal _dataReady = new();
    private readonly AsyncSignal _roomMade = new();
    private readonly LiveDropThresholds _liveThresholds;
    private readonly long _outputBufferSize;
    private SendLoop? _sendLoop;
    private volatile bool _stopSending;
    private long _inFlightBytes;
    private long[] _batchQueuedAt = new long[64];
    private int _batchCount;
    private ITimer? _roomTimer;
    private int _roomTimedOut;
    private readonly EventDispatcher _dispatcher;
    private RtmpClientConnection? _connection;
    private RtmpWriterStatus _status = RtmpWriterStatus.Disconnected;
    private bool _everConnected;
    private bool _disconnectedByCaller;
    private bool _disposed;
    private string? _lostReason;
    private RtmpErrorKind _lostKind = RtmpErrorKind.Disconnected;
    private bool _startSent;
    private long _baseMs;
    private byte[]? _sentVideoConfig;
    private byte[]? _sentAudioConfig;
    private TimeSpan? _lastVideoDts;
    private TimeSpan? _lastAudioDts;
    private long _videoFramesWritten;
    private long _videoFramesSent;
    private long _audioFramesSent;
    private long _videoDropped;
    private long _audioDropped;
    private long _lastTimestampMs;
    private long _closedBytesSent;
    private long _closedBytesAcknowledged;
    private readonly ReplayBuffer _replay;
    private readonly object _stateLock = new();
    private CancellationTokenSource? _stopReconnecting;
    private Task _reconnectLoop = Task.CompletedTask;
    private bool _reconnecting;
    private bool _baseSet;
    private bool _waitForKeyframe;
    private long _reconnects;
    private MoveRequest? _moveRequest;
    private MoveRequest? _loopMove;
    private volatile bool _moving;
    private long _firstConnectedTimestamp;
    private string? _lastError;
    private TimeSpan? _timecodeFirst;
    private TimeSpan _timecodeNext;
    private DateTime _timecodeWallClock;

    /// <summary>Creates a writer; nothing connects until <see cref="ConnectAsync"/> or the first write.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it and the allowed range).</exception>
    public RtmpWriter(RtmpWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _url = RtmpUrl.Parse(options.Url);

        // Credentials from the URL become explicit, so they survive a move to another URL the server asks for.
        _options = options.Credentials is null && _url.UserName is not null
            ? options with { Credentials = new RtmpCredentials(_url.UserName, _url.Password ?? "") }
            : options;
        _logger = options.LoggerFactory?.CreateLogger("Uplink.RtmpWriter") ?? NullLogger.Instance;
        _video = options.Video is null ? null : new VideoTagBuilder(options.Video);
        _audio = options.Audio is null ? null : new AudioTagBuilder(options.Audio);
        _interleaver = new Interleaver(_video is not null, _audio is not null, options.InterleaveWindow);
        _dispatcher = new EventDispatcher(_logger);
        // Without reconnection nothing is kept once sent (see SendPendingAsync), so only a pump's own batch is ever held.
        _replay = new ReplayBuffer(options.Reconnect.Attempts > 0 ? options.Reconnect.BufferSize : long.MaxValue);
        _liveThresholds = LiveDropThresholds.From(options.LiveDropPolicy);
        _outputBufferSize = options.EffectiveOutputBufferSize;
        _tagWriter = new ArenaMessageWriter(_arena);
        UplinkMetrics.Track(this);
    }

    private bool ReconnectEnabled => _options.Reconnect.Attempts > 0;

    /// <summary>Bytes written and not yet handed to the socket: waiting in the queue, or taken by a send still under way.</summary>
    private long QueuedBytes => _replay.UnsentBytes + Volatile.Read(ref _inFlightBytes);

    /// <summary>Raised (off the I/O path, in order) when the connection state changes. A throwing handler is logged and ignored.</summary>
    public event EventHandler<RtmpWriterStatusChangedEventArgs>? StatusChanged;

    /// <summary>Raised for every <c>onStatus</c> the server sends (level, code, description).</summary>
    public event EventHandler<RtmpServerStatus>? ServerStatusReceived;

    /// <summary>The current connection state.</summary>
    public RtmpWriterStatus Status => _status;

    /// <summary>What the server said about itself when the current (or last) connection was made; null before connecting.</summary>
    public RtmpServerInfo? ServerInfo { get; private set; }

    /// <summary>The options this writer was made with.</summary>
    public RtmpWriterOptions Options => _options;

    /// <summary>
    /// Connects and starts publishing: TCP, handshake, <c>connect</c>, <c>createStream</c>, <c>publish</c>.
    /// Returns once the server said <c>NetStream.Publish.Start</c>. Calling it while connected does nothing.
    /// </summary>
    /// <exception cref="RtmpException">The server is unreachable, or refused the connection or the stream.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _disconnectedByCaller = false;
            await ConnectCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one H.264 access unit (all NAL units of one picture).</summary>
    /// <param name="accessUnit">Annex-B, or length-prefixed as the video media type's configuration record says.</param>
    /// <param name="decodeTime">Decode timestamp (DTS); must not go backwards.</param>
    /// <param name="presentationTime">Presentation timestamp (PTS); differs from DTS when B-frames reorder pictures.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    /// <exception cref="ArgumentException">The DTS went backwards, PTS − DTS does not fit the composition offset, or PTS differs
    /// from DTS while <see cref="RtmpWriterOptions.AllowBFrames"/> is false (nothing of the frame is sent; the writer stays usable).</exception>
    /// <exception cref="InvalidDataException">The access unit is malformed.</exception>
    /// <exception cref="RtmpException">The connection failed or was lost.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteVideoAsync(ReadOnlyMemory<byte> accessUnit, TimeSpan decodeTime, TimeSpan presentationTime, CancellationToken cancellationToken = default)
    {
        VideoTagBuilder video = _video ?? throw new InvalidOperationException("This writer has no video input (RtmpWriterOptions.Video is null).");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            _videoFramesWritten++;
            if (_lastVideoDts is TimeSpan last && decodeTime < last)
            {
                throw new ArgumentException($"video DTS went backwards at frame {_videoFramesWritten}: {decodeTime} after {last}; frames must be written in decode order.", nameof(decodeTime));
            }

            if (!_options.AllowBFrames && presentationTime != decodeTime)
            {
                throw new ArgumentException($"video frame {_videoFramesWritten}: PTS {presentationTime} differs from DTS {decodeTime} (frames reordered for B-frames), and AllowBFrames is false.", nameof(presentationTime));
            }

            long dtsMs = ToMilliseconds(decodeTime);
            long compositionMs = ToMilliseconds(presentationTime) - dtsMs;
            if (compositionMs is > FlvTags.MaxCompositionTime or < -FlvTags.MaxCompositionTime - 1)
            {
                throw new ArgumentException($"video frame {_videoFramesWritten}: PTS − DTS is {compositionMs} ms, which does not fit RTMP's signed 24-bit composition offset.", nameof(presentationTime));
            }

            // Written into the send queue's storage while inspected: one pass over the access unit.
            bool keyframe;
            try
            {
                keyframe = video.InspectAndWrite(accessUnit.Span, (int)compositionMs, _tagWriter);
            }
            catch
            {
                _tagWriter.Abandon();
                throw;
            }

            bool queued = false;
            try
            {
                if (keyframe && _moveRequest is { } move)
                {
                    // The server asked us to move (Enhanced RTMP ReconnectRequest): switch before this keyframe.
                    await MoveOrBeginMoveAsync(move, cancellationToken).ConfigureAwait(false);
                }

                _lastVideoDts = decodeTime;
                if (video.DecoderConfiguration is null)
                {
                    _videoDropped++;
                    UplinkMetrics.FramesDropped.Add(1, UplinkMetrics.VideoTrack);
                    WriterLog.VideoWithoutConfiguration(_logger, decodeTime);
                    return;
                }

                if (video.ConfigurationChanged)
                {
                    video.ConfigurationChanged = false;
                    _scratch.Clear();
                    FlvTags.WriteAvcSequenceHeader(_scratch, video.DecoderConfiguration);
                    _interleaver.Add(true, _arena.Create(RtmpMessageType.Video, dtsMs, _scratch.WrittenSpan, isConfiguration: true));
                }

                queued = true;
            }
            finally
            {
                if (!queued)
                {
                    _tagWriter.Abandon();
                }
            }

            _interleaver.Add(true, _tagWriter.Commit(RtmpMessageType.Video, dtsMs, isConfiguration: false, video.IsDisposable));
            AddTimecodeIfDue(true, decodeTime, dtsMs);
            await PumpAsync(drain: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one H.264 access unit whose presentation time equals its decode time (no B-frames).</summary>
    public ValueTask WriteVideoAsync(ReadOnlyMemory<byte> accessUnit, TimeSpan timestamp, CancellationToken cancellationToken = default)
        => WriteVideoAsync(accessUnit, timestamp, timestamp, cancellationToken);

    /// <summary>Writes AAC audio: one raw frame, or (ADTS input) one or more ADTS frames, each sent as its own message.</summary>
    /// <param name="frame">Raw AAC (with the media type's AudioSpecificConfig) or ADTS.</param>
    /// <param name="timestamp">Presentation time of the (first) frame; must not go backwards.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAudioAsync(ReadOnlyMemory<byte> frame, TimeSpan timestamp, CancellationToken cancellationToken = default)
    {
        AudioTagBuilder audio = _audio ?? throw new InvalidOperationException("This writer has no audio input (RtmpWriterOptions.Audio is null).");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            if (_lastAudioDts is TimeSpan last && timestamp < last)
            {
                throw new ArgumentException($"audio timestamp went backwards at frame {_audioFramesSent + _audioDropped + 1}: {timestamp} after {last}.", nameof(timestamp));
            }

            if (_video is null && _moveRequest is { } move)
            {
                await MoveOrBeginMoveAsync(move, cancellationToken).ConfigureAwait(false);
            }

            // Several ADTS frames in one write get consecutive timestamps; the next write must not go before the last.
            _lastAudioDts = audio.IsAdts ? EnqueueAdts(audio, frame.Span, timestamp) : timestamp;
            if (!audio.IsAdts)
            {
                EnqueueAudio(audio, frame.Span, ToMilliseconds(timestamp), timestamp);
            }

            await PumpAsync(drain: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Ends the stream cleanly: sends what is still queued, then <c>FCUnpublish</c>, <c>deleteStream</c>, and closes
    /// so the server reads everything. Later writes fail until <see cref="ConnectAsync"/> is called again.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DisconnectCoreAsync("disconnected by the caller", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Replaces the video configuration (AVCDecoderConfigurationRecord) mid-stream; a new sequence header goes out before the next frame.</summary>
    public async ValueTask SetVideoConfigurationAsync(ReadOnlyMemory<byte> decoderConfigurationRecord, CancellationToken cancellationToken = default)
    {
        VideoTagBuilder video = _video ?? throw new InvalidOperationException("This writer has no video input (RtmpWriterOptions.Video is null).");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            video.SetConfiguration(decoderConfigurationRecord.Span);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Replaces the AAC AudioSpecificConfig mid-stream; a new sequence header goes out before the next frame.</summary>
    public async ValueTask SetAudioConfigurationAsync(ReadOnlyMemory<byte> audioSpecificConfig, CancellationToken cancellationToken = default)
    {
        AudioTagBuilder audio = _audio ?? throw new InvalidOperationException("This writer has no audio input (RtmpWriterOptions.Audio is null).");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            audio.SetConfiguration(audioSpecificConfig.Span);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>A snapshot of bytes and frames sent.</summary>
    public RtmpWriterStats GetStats()
    {
        RtmpClientConnection? c = _connection;
        long bytesSent = Interlocked.Read(ref _closedBytesSent) + (c?.BytesSent ?? 0);
        long since = Interlocked.Read(ref _firstConnectedTimestamp);
        double seconds = since == 0 ? 0 : _options.TimeProvider.GetElapsedTime(since).TotalSeconds;
        return new RtmpWriterStats(
            _status,
            bytesSent,
            Interlocked.Read(ref _closedBytesAcknowledged) + (c?.BytesAcknowledged ?? 0),
            Interlocked.Read(ref _videoFramesSent),
            Interlocked.Read(ref _audioFramesSent),
            Interlocked.Read(ref _videoDropped),
            Interlocked.Read(ref _audioDropped),
            TimeSpan.FromMilliseconds(Interlocked.Read(ref _lastTimestampMs)),
            Interlocked.Read(ref _reconnects),
            _replay.Bytes,
            TimeSpan.FromMilliseconds(_replay.UnsentDurationMs),
            seconds > 0 ? bytesSent * 8 / seconds : 0,
            Volatile.Read(ref _lastError),
            QueuedBytes);
    }

    /// <summary>Disconnects cleanly if connected, then releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                await DisconnectCoreAsync("writer disposed", CancellationToken.None).ConfigureAwait(false);
            }
            catch (RtmpException)
            {
                // Disposal never throws for a connection that already failed.
            }

            _disposed = true;
            await (_stopReconnecting?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            ClearQueues();
            _arena.Dispose();
            _scratch.Dispose();
            _sendScratch.Dispose();
            _roomTimer?.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            await _reconnectLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopReconnecting?.Dispose();
        UplinkMetrics.Untrack(this);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
    }

    private static long ToMilliseconds(TimeSpan t) => (long)Math.Floor(t.Ticks / (double)TimeSpan.TicksPerMillisecond);

    /// <returns>The timestamp of the last frame enqueued.</returns>
    private TimeSpan EnqueueAdts(AudioTagBuilder audio, ReadOnlySpan<byte> data, TimeSpan timestamp)
    {
        int index = 0;
        TimeSpan last = timestamp;
        foreach (AdtsFrame frame in AdtsFrames.Enumerate(data))
        {
            if (frame.Header.RawDataBlockCount != 1)
            {
                throw new InvalidDataException($"ADTS frame {index + 1} of this write holds {frame.Header.RawDataBlockCount} raw data blocks; RTMP carries one AAC frame per message, so split them in the encoder.");
            }

            audio.ObserveAdts(frame.Header);
            int rate = audio.SampleRate;
            TimeSpan at = rate > 0 ? timestamp + TimeSpan.FromTicks(index * 1024L * TimeSpan.TicksPerSecond / rate) : timestamp;
            EnqueueAudio(audio, frame.Payload, ToMilliseconds(at), at);
            last = at;
            index++;
        }

        return last;
    }

    private void EnqueueAudio(AudioTagBuilder audio, ReadOnlySpan<byte> raw, long timestampMs, TimeSpan timestamp)
    {
        if (audio.AudioSpecificConfig is not { } config)
        {
            _audioDropped++;
            UplinkMetrics.FramesDropped.Add(1, UplinkMetrics.AudioTrack);
            WriterLog.AudioWithoutConfiguration(_logger, timestamp);
            return;
        }

        if (audio.ConfigurationChanged)
        {
            audio.ConfigurationChanged = false;
            _scratch.Clear();
            FlvTags.WriteAac(_scratch, FlvTags.AacSequenceHeader, config);
            _interleaver.Add(false, _arena.Create(RtmpMessageType.Audio, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
        }

        FlvTags.WriteAac(_tagWriter, FlvTags.AacRaw, raw);
        _interleaver.Add(false, _tagWriter.Commit(RtmpMessageType.Audio, timestampMs, isConfiguration: false));
        if (_video is null)
        {
            AddTimecodeIfDue(false, timestamp, timestampMs);
        }
    }

    /// <summary>
    /// <see cref="RtmpWriterOptions.Timecode"/>: queues an <c>onFI</c> right behind the frame just queued on its track, with
    /// its timestamp, when an interval of media time has passed — so it never leaves before the frame it labels. Marked as
    /// configuration: live mode never drops it.
    /// </summary>
    private void AddTimecodeIfDue(bool video, TimeSpan time, long timestampMs)
    {
        if (_options.Timecode is not { } timecode)
        {
            return;
        }

        if (_timecodeFirst is not TimeSpan first)
        {
            // The wall clock is read once; from here on it advances with the media, not with the sending.
            _timecodeFirst = first = time;
            _timecodeNext = time;
            _timecodeWallClock = _options.TimeProvider.GetLocalNow().DateTime;
        }

        if (time < _timecodeNext)
        {
            return;
        }

        TimeSpan streamTime = time - first;
        _timecodeNext = first + (timecode.Interval * ((streamTime.Ticks / timecode.Interval.Ticks) + 1));
        double? frameRate = timecode.SmpteTimecode ? timecode.FrameRate ?? _video?.SequenceParameterSet?.FrameRate ?? _options.Video?.FrameRate : null;
        _scratch.Clear();
        FrameInfoBuilder.Write(_scratch, _timecodeWallClock + streamTime, streamTime, frameRate);
        _interleaver.Add(video, _arena.Create(RtmpMessageType.DataAmf0, timestampMs, _scratch.WrittenSpan, isConfiguration: true));
    }

    private async ValueTask EnsureWritableAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string? lostReason;
        bool reconnecting;
        lock (_stateLock)
        {
            // Read together: a send loop or receive loop marks the connection lost and starts reconnecting in one step,
            // and a write must not see the loss without the reconnection (it would fail a stream that is coming back).
            lostReason = _lostReason;
            reconnecting = _reconnecting;
        }

        if (reconnecting)
        {
            // The caller keeps writing: frames wait in the replay buffer until the stream is back.
            return;
        }

        if (_connection is { } current)
        {
            if (lostReason is null)
            {
                return;
            }

            await TearDownAsync(current).ConfigureAwait(false);
        }

        if (lostReason is not null)
        {
            throw new RtmpException(_lostKind, $"the connection to the server was lost: {lostReason}");
        }

        if (_disconnectedByCaller)
        {
            throw new InvalidOperationException("The writer was disconnected; call ConnectAsync to publish again.");
        }

        if (!_everConnected)
        {
            await ConnectCoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectCoreAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } current)
        {
            if (_lostReason is null)
            {
                return;
            }

            await TearDownAsync(current).ConfigureAwait(false);
        }

        RtmpClientConnection connection = await OpenAndPublishAsync(cancellationToken).ConfigureAwait(false);
        Install(connection);
        _waitForKeyframe = false;
        SetStatus(RtmpWriterStatus.Connected, $"publishing to {_url}");
    }

    private async Task WatchAsync(RtmpClientConnection connection)
    {
        string? failure = null;
        try
        {
            await connection.Completion.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever ended the receive loop, the connection is over; this task is never awaited.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex.Message;
        }

        if (_connection == connection && !_disposed)
        {
            // Lost without being asked to close: later writes fail clearly (or reconnection starts).
            MarkLost(connection.CloseReason ?? failure ?? "connection closed");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask PumpAsync(bool drain, CancellationToken cancellationToken)
    {
        // The interleaver holds the first frames until both tracks have shown up (or one ran a window ahead),
        // so by the time the start goes out, both configurations are normally known.
        lock (_replay)
        {
            QueueFromInterleaver(drain);
        }

        if (!_options.UsesSendLoop)
        {
            if (_connection is { } connection && _lostReason is null)
            {
                await SendPendingAsync(connection, fromSendLoop: false, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _dataReady.Set();
        if (drain)
        {
            await StopSendLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!_options.LiveMode)
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves what may leave the interleaver into the send queue, through the live policy when it applies (caller locks the queue).</summary>
    private void QueueFromInterleaver(bool drain)
    {
        // A reconnect's or a move's backlog is never dropped: it is what an outage shorter than the buffer must not lose.
        bool live = _options.LiveMode && !_reconnecting && !_moving;
        while (_interleaver.TryTake(drain, out OutgoingMessage message))
        {
            (int video, int audio) = live ? _replay.AddLive(message, _liveThresholds, _outputBufferSize) : _replay.Add(message);
            CountDropped(video, audio);
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
        if (QueuedBytes <= _outputBufferSize || _connection is not { } connection)
        {
            return;
        }

        _roomTimer ??= _options.TimeProvider.CreateTimer(static s => ((RtmpWriter)s!).OnRoomTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

                if (QueuedBytes <= _outputBufferSize || _reconnecting || _moving)
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

    /// <summary>One send loop per connection when there is an output buffer: it owns the socket and sends what the caller queues.</summary>
    private async Task SendLoopAsync(RtmpClientConnection connection)
    {
        try
        {
            while (_lostReason is null)
            {
                // Read before sending: a stop asked for after the last message was queued then still sends it.
                bool stopping = _stopSending;
                await SendPendingAsync(connection, fromSendLoop: true, CancellationToken.None).ConfigureAwait(false);
                if (_lostReason is not null)
                {
                    return;
                }

                bool atBarrier;
                lock (_replay)
                {
                    atBarrier = _replay.AtBarrier;
                }

                if (atBarrier && _loopMove is { } move)
                {
                    RtmpClientConnection? next = await MoveFromSendLoopAsync(connection, move).ConfigureAwait(false);
                    if (next is null)
                    {
                        return;
                    }

                    connection = next;
                    continue;
                }

                if (stopping)
                {
                    return;
                }

                await _dataReady.WaitAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Nothing may escape a background loop; whatever it was, the connection is lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            MarkLost(connection.CloseReason ?? ex.Message);
        }
        finally
        {
            _roomMade.Set();
        }
    }

    /// <summary>Lets the send loop send everything queued, then stop (caller holds the write lock).</summary>
    private async Task StopSendLoopAsync(CancellationToken cancellationToken)
    {
        if (_sendLoop is not { } loop)
        {
            return;
        }

        _stopSending = true;
        _dataReady.Set();
        await loop.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _sendLoop = null;
        _stopSending = false;
    }

    /// <summary>Starts a send loop for <paramref name="connection"/>, or lets the running one (<paramref name="continuing"/>, after a move it made) go on with it.</summary>
    private void StartSendLoop(RtmpClientConnection connection, Task? continuing)
    {
        lock (_replay)
        {
            // What was written while reconnecting goes out in full; live dropping applies to what comes next.
            _replay.StartLiveRegion();
        }

        if (continuing is not null)
        {
            // Not _stopSending: a stop asked for during the move still holds for the loop going on.
            _sendLoop = new SendLoop(connection, continuing);
            return;
        }

        _stopSending = false;
        _sendLoop = new SendLoop(connection, Task.Run(() => SendLoopAsync(connection)));
    }

    /// <summary>
    /// Sends what the send queue has not yet sent on this connection, in socket writes of up to
    /// <see cref="RtmpWriterOptions.OutputPacketSize"/>: on the caller's thread under the write lock, or on the send loop.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendPendingAsync(RtmpClientConnection connection, bool fromSendLoop, CancellationToken cancellationToken)
    {
        await connection.EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool more = true;
            bool measureLatency = UplinkMetrics.SendLatency.Enabled;
            while (more)
            {
                _batchCount = 0;
                lock (_replay)
                {
                    while (_replay.TryPeekUnsent(out OutgoingMessage message))
                    {
                        if (_waitForKeyframe && message.IsVideoInterFrame)
                        {
                            // After a reconnect whose GOP start was not kept: video resumes on the next keyframe.
                            _replay.MarkSent(0);
                            CountDropped(1, 0);
                            continue;
                        }

                        _waitForKeyframe &= !message.IsVideoKeyframe;
                        if (measureLatency && message.QueuedAt != 0)
                        {
                            NoteQueued(message.QueuedAt);
                        }

                        Emit(connection, message);
                        _replay.MarkSent(connection.BytesSent + connection.PendingBytes);
                        if (connection.PendingBytes >= _options.OutputPacketSize)
                        {
                            break;
                        }
                    }

                    more = _replay.HasUnsent;
                }

                // Taken from the queue but not yet in the socket: still counts against the output buffer.
                Volatile.Write(ref _inFlightBytes, connection.PendingBytes);
                await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _inFlightBytes, 0);
                if (measureLatency)
                {
                    RecordLatency();
                }
                lock (_replay)
                {
                    if (ReconnectEnabled)
                    {
                        _replay.Trim(connection.BytesAcknowledged);
                    }
                    else
                    {
                        _replay.ReleaseSent();
                    }
                }

                _roomMade.Set();
            }
        }
        catch (RtmpException ex) when (ex.Kind is RtmpErrorKind.Disconnected or RtmpErrorKind.Timeout or RtmpErrorKind.Protocol)
        {
            MarkLost(connection.CloseReason ?? ex.Message, ex.Kind);
            if (!ReconnectEnabled && !fromSendLoop)
            {
                // Torn down by the next write, DisconnectAsync or DisposeAsync (all under the write lock).
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
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < _batchCount; i++)
        {
            UplinkMetrics.SendLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(_batchQueuedAt[i], now).TotalMilliseconds);
        }

        _batchCount = 0;
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

    private void Emit(RtmpClientConnection connection, in OutgoingMessage message)
    {
        if (!_startSent)
        {
            _startSent = true;
            if (!_baseSet)
            {
                // Once per writer: after a reconnect the timestamps go on, never back to 0.
                _baseSet = true;
                _baseMs = message.TimestampMs;
            }

            SendStart(connection);
        }

        if (message.Type == RtmpMessageType.DataAmf0)
        {
            // onFI (RtmpWriterOptions.Timecode): on the data chunk stream, at the timestamp of the frame it follows.
            connection.Enqueue(ChunkStreamIds.Data, message.Type, (uint)Math.Max(0, message.TimestampMs - _baseMs), connection.StreamId, message.Payload);
            return;
        }

        bool video = message.Type == RtmpMessageType.Video;
        if (message.IsConfiguration)
        {
            // Skip a queued sequence header the start of the stream already sent.
            byte[]? sent = video ? _sentVideoConfig : _sentAudioConfig;
            int headerSize = video ? FlvTags.VideoHeaderSize : FlvTags.AudioHeaderSize;
            if (sent is not null && message.Payload[headerSize..].SequenceEqual(sent))
            {
                return;
            }

            if (video)
            {
                _sentVideoConfig = message.Payload[headerSize..].ToArray();
            }
            else
            {
                _sentAudioConfig = message.Payload[headerSize..].ToArray();
            }
        }

        long ts = Math.Max(0, message.TimestampMs - _baseMs);
        connection.Enqueue(video ? ChunkStreamIds.Video : ChunkStreamIds.Audio, message.Type, (uint)ts, connection.StreamId, message.Payload);
        Interlocked.Exchange(ref _lastTimestampMs, ts);
        if (!message.IsConfiguration)
        {
            if (video)
            {
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

    /// <summary>onMetaData, then the AAC and AVC sequence headers known so far, before the first frame.</summary>
    private void SendStart(RtmpClientConnection connection)
    {
        H264SequenceParameterSet? sps = _video?.SequenceParameterSet;
        AudioSpecificConfig? asc = _audio?.Parsed;
        var metadata = new StreamMetadata(
            _video is not null,
            _audio is not null,
            sps?.Width ?? _options.Video?.Width,
            sps?.Height ?? _options.Video?.Height,
            sps?.FrameRate ?? _options.Video?.FrameRate,
            _options.VideoDataRate ?? (_options.Video?.BitRate is long bps ? bps / 1000d : null),
            asc?.SampleRate ?? _options.Audio?.SampleRate,
            asc?.Channels ?? _options.Audio?.Channels,
            _options.AudioDataRate);
        _sendScratch.Clear();
        MetadataBuilder.Write(_sendScratch, metadata);
        connection.Enqueue(ChunkStreamIds.Data, RtmpMessageType.DataAmf0, 0, connection.StreamId, _sendScratch.WrittenSpan);

        if (_audio?.AudioSpecificConfig is { } audioConfig)
        {
            _sendScratch.Clear();
            FlvTags.WriteAac(_sendScratch, FlvTags.AacSequenceHeader, audioConfig);
            connection.Enqueue(ChunkStreamIds.Audio, RtmpMessageType.Audio, 0, connection.StreamId, _sendScratch.WrittenSpan);
            _sentAudioConfig = audioConfig;
            WriterLog.SequenceHeaderSent(_logger, "audio", audioConfig.Length);
        }

        if (_video?.DecoderConfiguration is { } videoConfig)
        {
            _sendScratch.Clear();
            FlvTags.WriteAvcSequenceHeader(_sendScratch, videoConfig);
            connection.Enqueue(ChunkStreamIds.Video, RtmpMessageType.Video, 0, connection.StreamId, _sendScratch.WrittenSpan);
            _sentVideoConfig = videoConfig;
            WriterLog.SequenceHeaderSent(_logger, "video", videoConfig.Length);
        }
    }

    private async Task StopReconnectingAsync()
    {
        lock (_stateLock)
        {
            _reconnecting = false;
        }

        await (_stopReconnecting?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
    }

    private async Task DisconnectCoreAsync(string reason, CancellationToken cancellationToken)
    {
        bool wasReconnecting;
        lock (_stateLock)
        {
            wasReconnecting = _reconnecting;
            _reconnecting = false;
        }

        if (wasReconnecting)
        {
            // Stop trying; a loop that is connecting sees _disconnectedByCaller when it next takes the write lock.
            _disconnectedByCaller = true;
            await StopReconnectingAsync().ConfigureAwait(false);
            if (_connection is { } lost)
            {
                await TearDownAsync(lost).ConfigureAwait(false);
            }

            ClearQueues();
            _lostReason = null;
            SetStatus(RtmpWriterStatus.Disconnected, reason);
            return;
        }

        if (_connection is null && _sendLoop is null)
        {
            return;
        }

        RtmpClientConnection? connection;
        try
        {
            if (_lostReason is null)
            {
                // Sends what is queued; a move the send loop is making finishes first.
                await PumpAsync(drain: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // From here on the connection's end is ours, not a loss (see WatchAsync).
            connection = _connection;
            _connection = null;
            _disconnectedByCaller = true;
        }

        if (connection is null)
        {
            // A move the server asked for failed on the way: nothing left to close.
            await StopReconnectingAsync().ConfigureAwait(false);
            _sendLoop = null;
            ClearQueues();
            SetStatus(RtmpWriterStatus.Disconnected, reason);
            return;
        }

        try
        {
            if (_lostReason is null)
            {
                await connection.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await TearDownAsync(connection).ConfigureAwait(false);
            SetStatus(RtmpWriterStatus.Disconnected, reason);
        }
    }

    /// <summary>Records that the connection was lost (once per connection) and says so; reconnects when enabled.</summary>
    private void MarkLost(string reason, RtmpErrorKind kind = RtmpErrorKind.Disconnected)
    {
        bool reconnect;
        lock (_stateLock)
        {
            if (_lostReason is not null || _reconnecting)
            {
                return;
            }

            _lostReason = reason;
            _lostKind = kind;
            Volatile.Write(ref _lastError, reason);
            reconnect = ReconnectEnabled && !_disposed && !_disconnectedByCaller;
            _reconnecting = reconnect;
        }

        UplinkMetrics.ConnectionsLost.Add(1);
        _roomMade.Set();
        if (reconnect)
        {
            SetStatus(RtmpWriterStatus.Reconnecting, reason);
            var stop = new CancellationTokenSource();
            Interlocked.Exchange(ref _stopReconnecting, stop)?.Dispose();
            _reconnectLoop = Task.Run(() => ReconnectLoopAsync(stop.Token));
        }
        else
        {
            SetStatus(RtmpWriterStatus.Disconnected, reason);
        }
    }

    /// <summary>
    /// Reconnects in the background while the caller keeps writing: tears the lost connection down, waits as the
    /// policy says, connects and publishes again, then sends from the replay buffer — the GOP holding the first
    /// unacknowledged frame onwards — after fresh metadata and sequence headers.
    /// </summary>
    private async Task ReconnectLoopAsync(CancellationToken stop)
    {
        string lastError = _lostReason ?? "connection lost";
        try
        {
            await _writeLock.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                if (_connection is { } lost)
                {
                    long acknowledged = lost.BytesAcknowledged;
                    await TearDownAsync(lost, clearQueues: false).ConfigureAwait(false);
                    lock (_replay)
                    {
                        _replay.Rewind(acknowledged);
                    }
                }
            }
            finally
            {
                _writeLock.Release();
            }

            IReconnectPolicy policy = _options.Reconnect.EffectivePolicy;
            for (int attempt = 1; attempt <= _options.Reconnect.Attempts; attempt++)
            {
                await Task.Delay(policy.GetDelay(attempt), _options.TimeProvider, stop).ConfigureAwait(false);
                RtmpClientConnection connection;
                try
                {
                    connection = await OpenAndPublishAsync(stop).ConfigureAwait(false);
                }
                catch (RtmpException ex)
                {
                    lastError = ex.Message;
                    Volatile.Write(ref _lastError, ex.Message);
                    WriterLog.ReconnectFailed(_logger, attempt, _options.Reconnect.Attempts, ex.Message);
                    continue;
                }

                await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    if (_disposed || _disconnectedByCaller)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        return;
                    }

                    lock (_stateLock)
                    {
                        _reconnecting = false;
                    }

                    Install(connection);
                    Interlocked.Increment(ref _reconnects);
                    UplinkMetrics.Reconnects.Add(1);

                    SetStatus(RtmpWriterStatus.Connected, $"reconnected (attempt {attempt}) to {_url}");
                    if (!_options.UsesSendLoop)
                    {
                        await SendPendingAsync(connection, fromSendLoop: false, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _writeLock.Release();
                }

                return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by DisconnectAsync or DisposeAsync, which have already said Disconnected and cleared the
            // buffers; a ConnectAsync may even have started a new connection since. Nothing left to do here.
            return;
        }

        // Under the write lock: writers may be adding to the replay buffer until they see we gave up.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            string reason = $"gave up reconnecting after {_options.Reconnect.Attempts} attempts: {lastError}";
            lock (_stateLock)
            {
                _reconnecting = false;
                _lostReason = reason;
            }

            ClearQueues();
            SetStatus(RtmpWriterStatus.Disconnected, reason);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Connect (with authentication) and publish within the connect timeout.</summary>
    private async Task<RtmpClientConnection> OpenAndPublishAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        var progress = new RtmpConnector.Progress();
        RtmpClientConnection connection = await RtmpConnector.ConnectAsync(_url, _options, OnServerStatus, progress, timeout.Token, cancellationToken).ConfigureAwait(false);
        try
        {
            progress.Stage = "publishing";
            await connection.PublishAsync(_url.StreamName, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw RtmpConnector.TimedOut(_url, _options, progress);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Makes a freshly published connection the current one: the caller holds the write lock, or is the send loop that
    /// made a move (<paramref name="continuingLoop"/>, its own task; the writer only queues meanwhile).
    /// </summary>
    private void Install(RtmpClientConnection connection, Task? continuingLoop = null)
    {
        _connection = connection;
        _everConnected = true;
        _lostReason = null;
        _startSent = false;
        _sentVideoConfig = null;
        _sentAudioConfig = null;
        _waitForKeyframe = _video is not null;
        ServerInfo = connection.Info;
        UplinkMetrics.Connections.Add(1);
        Interlocked.CompareExchange(ref _firstConnectedTimestamp, _options.TimeProvider.GetTimestamp(), 0);
        _ = WatchAsync(connection);
        if (_options.UsesSendLoop)
        {
            StartSendLoop(connection, continuingLoop);
        }
    }

    /// <summary>Closes a connection that is over, keeping its byte counts in the writer's totals (caller holds the write lock).</summary>
    private async Task TearDownAsync(RtmpClientConnection connection, bool clearQueues = true)
    {
        if (_connection == connection)
        {
            _connection = null;
        }

        SendLoop? loop = _sendLoop?.Connection == connection ? _sendLoop : null;
        if (loop is not null)
        {
            _stopSending = true;
            _dataReady.Set();
        }

        // Disposing aborts a send the loop may be blocked in; the loop never throws.
        await DisposeAndCountAsync(connection).ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.Task.ConfigureAwait(false);
            _sendLoop = null;
            _stopSending = false;
        }

        if (clearQueues)
        {
            ClearQueues();
        }
    }

    /// <summary>Closes a connection that is over, keeping its byte counts in the writer's totals.</summary>
    private async Task DisposeAndCountAsync(RtmpClientConnection connection)
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        Interlocked.Add(ref _closedBytesSent, connection.BytesSent);
        Interlocked.Add(ref _closedBytesAcknowledged, connection.BytesAcknowledged);
    }

    /// <summary>A ReconnectRequest's new tcUrl, if it gave one that parses, becomes the URL (with the same stream name).</summary>
    private void MoveUrl(MoveRequest move)
    {
        if (move.TcUrl is { Length: > 0 } tcUrl && RtmpUrl.TryParse(tcUrl.TrimEnd('/') + "/" + _url.StreamName, out RtmpUrl? target, out _))
        {
            _url = target;
        }
    }

    private void SetStatus(RtmpWriterStatus status, string reason)
    {
        if (_status == status && status == RtmpWriterStatus.Disconnected)
        {
            return;
        }

        _status = status;
        WriterLog.StatusChanged(_logger, status, reason);
        var change = new RtmpWriterStatusChangedEventArgs(status, reason, DateTimeOffset.UtcNow);
        _dispatcher.Post(() => DeliverStatus(change));
    }

    private void DeliverStatus(RtmpWriterStatusChangedEventArgs change)
    {
        Exception? first = null;
        try
        {
            _options.OnStatusChanged?.Invoke(change);
        }
#pragma warning disable CA1031 // A user's callback may throw anything; it must never hurt the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            first = ex;
        }

        EventHandler<RtmpWriterStatusChangedEventArgs>? handlers = StatusChanged;
        if (handlers is not null)
        {
            foreach (EventHandler<RtmpWriterStatusChangedEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<RtmpWriterStatusChangedEventArgs>>())
            {
                try
                {
                    handler(this, change);
                }
#pragma warning disable CA1031
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    WriterLog.StatusHandlerFailed(_logger, ex, change.Status);
                }
            }
        }

        if (first is not null)
        {
            WriterLog.StatusHandlerFailed(_logger, first, change.Status);
        }
    }

    /// <summary>
    /// Moves the stream to a new connection, as the server asked: everything written so far goes out on the old
    /// connection, which is unpublished and closed gracefully (so the server has it all), then the new connection
    /// is published and the stream goes on from the keyframe being written — nothing lost, nothing sent twice.
    /// </summary>
    private async Task MoveAsync(MoveRequest move, CancellationToken cancellationToken)
    {
        _moveRequest = null;
        if (_connection is not { } old || _lostReason is not null)
        {
            return;
        }

        await PumpAsync(drain: true, cancellationToken).ConfigureAwait(false);
        _connection = null;
        await old.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, cancellationToken).ConfigureAwait(false);
        await TearDownAsync(old, clearQueues: false).ConfigureAwait(false);
        lock (_replay)
        {
            _replay.ReleaseSent();
        }

        MoveUrl(move);
        try
        {
            Install(await OpenAndPublishAsync(cancellationToken).ConfigureAwait(false));
            _waitForKeyframe = false;
            SetStatus(RtmpWriterStatus.Connected, $"moved to {_url} at the server's request");
        }
        catch (RtmpException ex)
        {
            MarkLost($"moving to {_url} at the server's request failed: {ex.Message}");
            if (!ReconnectEnabled)
            {
                throw;
            }
        }
    }

    /// <summary>With a send loop the move happens there, so the write never waits for it; otherwise here and now.</summary>
    private async ValueTask MoveOrBeginMoveAsync(MoveRequest move, CancellationToken cancellationToken)
    {
        if (!_options.UsesSendLoop)
        {
            await MoveAsync(move, cancellationToken).ConfigureAwait(false);
            return;
        }

        _moveRequest = null;
        if (_connection is null || _lostReason is not null || _sendLoop is null || _moving)
        {
            return;
        }

        lock (_replay)
        {
            // Everything written so far leaves on the old connection; from this keyframe on, on the new one.
            QueueFromInterleaver(drain: true);
            _replay.SetBarrier();
        }

        _loopMove = move;
        _moving = true;
        _dataReady.Set();
    }

    /// <summary>
    /// The send loop's side of a move: everything before the barrier has been sent; unpublish and close the old
    /// connection gracefully (so the server has it all), publish on the new one, and go on from the barrier.
    /// </summary>
    /// <returns>The new connection, or null when it could not be made (the connection then counts as lost).</returns>
    private async Task<RtmpClientConnection?> MoveFromSendLoopAsync(RtmpClientConnection old, MoveRequest move)
    {
        _loopMove = null;
        _connection = null;
        await old.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, CancellationToken.None).ConfigureAwait(false);

        // Not TearDownAsync: that would wait for this very loop to end.
        await DisposeAndCountAsync(old).ConfigureAwait(false);
        lock (_replay)
        {
            _replay.ReleaseSent();
            _replay.ClearBarrier();
        }

        MoveUrl(move);
        RtmpClientConnection next;
        try
        {
            next = await OpenAndPublishAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            _moving = false;
            MarkLost($"moving to {_url} at the server's request failed: {ex.Message}", ex.Kind);
            return null;
        }

        // The loop goes on with the new connection; nothing else sends meanwhile (the writer only queues).
        Install(next, _sendLoop!.Task);
        _waitForKeyframe = false;
        _moving = false;
        SetStatus(RtmpWriterStatus.Connected, $"moved to {_url} at the server's request");
        return next;
    }

    private void OnServerStatus(RtmpServerStatus status)
    {
        if (status.Code == "NetConnection.Connect.ReconnectRequest")
        {
            _moveRequest = new MoveRequest(status.TcUrl);
        }

        // Never on the receive loop: a slow handler must not stall acknowledgements and pings.
        if (ServerStatusReceived is not null)
        {
            _dispatcher.Post(() => ServerStatusReceived?.Invoke(this, status));
        }
    }

    private void ClearQueues()
    {
        lock (_replay)
        {
            _interleaver.Clear();
            _replay.Clear();
        }
    }

    private sealed record MoveRequest(string? TcUrl);

    private sealed record SendLoop(RtmpClientConnection Connection, Task Task);
}
