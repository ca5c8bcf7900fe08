using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Uplink.Buffers;
using Uplink.Messages;
using Uplink.Sending;
using Uplink.Session;
using Uplink.Status;
using Uplink.Streaming;

namespace Uplink.Destinations;

/// <summary>
/// One server the stream goes to, for its whole life: connecting, authenticating and publishing; the send queue with its
/// policy (sent on the caller's thread, by a send loop, or live with drops); reconnection with replay; the server's
/// ReconnectRequest; its status and stats. Concerns live in partial files: <c>.Sending</c> (the send loop, backpressure,
/// the wire), <c>.Reconnecting</c> (losses and reconnection), <c>.ReconnectRequest</c> (moving at the server's request),
/// <c>.Starting</c> (a first connection in the background, for one of several) and <c>.Status</c> (name, status, failure, stats).
/// </summary>
/// <remarks>
/// Threading: the writer calls under the stream's write lock; each call also takes this destination's own <c>_gate</c>,
/// which its reconnection loop takes to install a connection — so one destination reconnecting never holds up the
/// stream or the others. <c>_stateLock</c> guards the lost/reconnecting pair; the send queue is locked around every use
/// (messages arrive from the stream's fan-out under it). The send loop runs for the destination's whole life, sending on
/// whichever connection is current.
/// </remarks>
internal sealed partial class RtmpDestination : IMessageSink, IStreamStartSink
{
    private readonly RtmpWriterOptions _options;
    private readonly IStreamSource _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Action<RtmpDestination, RtmpWriterStatus, string> _onStatus;
    private readonly StatusReporter _status;
    private readonly ILogger _logger;
    private readonly SendQueue _queue;
    private readonly AcknowledgementWindowSizer _windowSizer;
    private readonly ConnectionTimestamps _timestamps;
    private readonly bool _shared;
    private readonly PooledBufferWriter _startScratch = new(1024);
    private readonly object _stateLock = new();
    private RtmpUrl _url;
    private Link? _link;
    private bool _everConnected;
    private bool _disconnectedByCaller;
    private bool _disposed;
    private string? _lostReason;
    private RtmpErrorKind _lostKind = RtmpErrorKind.Disconnected;
    private bool _reconnecting;
    private bool _accepting = true;
    private volatile RtmpWriterStatus _current = RtmpWriterStatus.Disconnected;
    private bool _statusReported;
    private bool _warnedLiveDrops;
    private long _videoFramesSent;
    private long _audioFramesSent;
    private long _videoDropped;
    private long _audioDropped;
    private long _lastTimestampMs;
    private long _closedBytesSent;
    private long _closedBytesAcknowledged;
    private long _reconnects;
    private long _firstConnectedTimestamp;
    private string? _lastError;

    /// <param name="options">This destination's settings (the writer's, with its own in their place).</param>
    /// <param name="name">How status events and stats name it.</param>
    /// <param name="stream">The stream it carries.</param>
    /// <param name="onStatus">Told of every status change (the writer raises it and derives the stream's status).</param>
    /// <param name="status">Where server notices go.</param>
    /// <param name="logger">The writer's logger.</param>
    /// <param name="shared">The stream may have other destinations: what waits for a first connection is bounded too.</param>
    public RtmpDestination(RtmpWriterOptions options, string name, IStreamSource stream, Action<RtmpDestination, RtmpWriterStatus, string> onStatus, StatusReporter status, ILogger logger, bool shared)
    {
        _options = options;
        _url = RtmpUrl.Parse(options.Url);
        Name = name;
        _stream = stream;
        _onStatus = onStatus;
        _shared = shared;
        _status = status;
        _logger = logger;

        // Without reconnection nothing is kept once sent (see SendPendingAsync), so only a send's own batch is ever held —
        // unless the stream goes on while this destination still connects: then what waits is bounded by its buffer.
        _queue = new SendQueue(options.Reconnect.Attempts > 0 ? options.Reconnect.BufferSize : shared ? 2 * options.EffectiveOutputBufferSize : long.MaxValue);
        _windowSizer = new AcknowledgementWindowSizer(options.WindowAcknowledgementSize, (options.VideoDataRate ?? 0) + (options.AudioDataRate ?? 0));
        _timestamps = new ConnectionTimestamps(options.Reconnect.Timestamps);
        _liveThresholds = LiveDropThresholds.From(options.LiveDropPolicy);
        _outputBufferSize = options.EffectiveOutputBufferSize;
    }

    /// <summary>What the server said about itself when the current (or last) connection was made; null before connecting.</summary>
    public RtmpServerInfo? ServerInfo { get; private set; }

    private bool ReconnectEnabled => _options.Reconnect.Attempts > 0;

    private RtmpClientConnection? Connection => _link?.Connection;

    /// <summary>Bytes written and not yet handed to the socket: waiting in the queue, or taken by a send still under way.</summary>
    private long QueuedBytes => _queue.UnsentBytes + Volatile.Read(ref _inFlightBytes);

    /// <summary>Connects and publishes (the connection test), unless already connected.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Revive();
            await ConnectCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Before a write: connects on the first one, fails when the connection is lost for good; while reconnecting, lets the write queue.</summary>
    /// <exception cref="RtmpException">The connection is lost for good (<see cref="Failure"/> says why).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask EnsureWritableAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureWritableCoreAsync(cancellationToken).ConfigureAwait(false);
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

    private async ValueTask EnsureWritableCoreAsync(CancellationToken cancellationToken)
    {
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
            // The caller keeps writing: frames wait in the send queue until the stream is back.
            return;
        }

        if (Connection is { } current)
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

    /// <summary>The stream's messages arrive here in their final order (under the write lock); live mode may drop.</summary>
    public void Enqueue(in OutgoingMessage message)
    {
        if (message.Track > 0 && _link is { DefaultTracksOnly: true })
        {
            // A server without Multitrack: the other tracks neither take room nor count in live mode's drops. (Messages
            // queued while there was no connection are skipped when sent instead.)
            message.Release();
            return;
        }

        lock (_queue)
        {
            if (!_accepting)
            {
                // Ended for good (gave up, could not connect, disconnected): nothing more is kept for it.
                message.Release();
                return;
            }

            // A reconnect's or a move's backlog is never dropped: it is what an outage shorter than the buffer must not lose.
            bool live = _options.LiveMode && !_reconnecting && !_followingRequest;
            (int video, int audio) = live ? _queue.AddLive(message, _liveThresholds, _outputBufferSize) : _queue.Add(message);
            CountDropped(video, audio);
            if (live && video + audio > 0 && !_warnedLiveDrops)
            {
                // Once: a caller writing a file faster than real time in live mode sees why frames vanish.
                _warnedLiveDrops = true;
                WriterLog.LiveDropsStarted(_logger, Interlocked.Read(ref _videoDropped), Interlocked.Read(ref _audioDropped));
            }

            if (live && _queue.TakeRenditionChange() is (byte track, bool shed))
            {
                if (shed)
                {
                    WriterLog.RenditionSuspended(_logger, track);
                }
                else
                {
                    WriterLog.RenditionResumed(_logger, track);
                }
            }
        }
    }

    /// <summary>
    /// Ends the stream cleanly: sends what is queued, unpublishes and closes. While reconnecting it first waits for the
    /// connection (up to <see cref="RtmpWriterOptions.CloseTimeout"/>) so the backlog is delivered; when it does not come
    /// back, it stops trying and throws, saying what was not delivered.
    /// </summary>
    /// <exception cref="RtmpException">The stream did not reach the server whole (<see cref="Failure"/> says the same).</exception>
    public async Task DisconnectAsync(string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await DisconnectCoreAsync(reason, cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            Failure ??= ex.Message;
            throw;
        }
        finally
        {
            lock (_queue)
            {
                _accepting = false;
            }

            _gate.Release();
        }
    }

    private async Task DisconnectCoreAsync(string reason, CancellationToken cancellationToken)
    {
        bool reconnecting;
        lock (_stateLock)
        {
            reconnecting = _reconnecting;
        }

        if (reconnecting && !await WaitForReconnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            // Not back in time: stop trying, and say exactly what is lost instead of dropping it silently. A loop that
            // is connecting sees _disconnectedByCaller when it next takes the gate.
            lock (_stateLock)
            {
                _reconnecting = false;
            }

            _disconnectedByCaller = true;
            await StopReconnectingAsync().ConfigureAwait(false);
            if (Connection is { } lost)
            {
                await TearDownAsync(lost, clearQueues: false).ConfigureAwait(false);
            }

            string failure = $"{reason} while reconnecting, after waiting {_options.CloseTimeout.TotalSeconds:0.#} s (CloseTimeout) for the connection: {DescribeUndelivered()}";
            ClearQueues();
            _lostReason = null;
            SetStatus(RtmpWriterStatus.Disconnected, failure);
            throw new RtmpException(RtmpErrorKind.Disconnected, failure);
        }

        if (_link is null && _lostReason is null && !_followingRequest)
        {
            // Never connected, or already closed. (While the send loop follows a ReconnectRequest there is no link
            // for a moment, but the stream goes on: drain it.)
            return;
        }

        RtmpClientConnection? connection;
        try
        {
            if (_lostReason is null)
            {
                // Sends what is queued (the writer has queued the end of the video sequence last); a move the send loop is
                // making finishes first.
                await SendCoreAsync(drain: true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // From here on the connection's end is ours, not a loss (see WatchAsync).
            connection = Connection;
            _link = null;
            _disconnectedByCaller = true;
        }

        if (connection is null)
        {
            // Nothing left to close: reconnecting gave up after the last write, or a move the server asked for failed on
            // the way. Either way the stream did not end as written, and the caller ending it must hear so.
            string? lost = _lostReason;
            await StopReconnectingAsync().ConfigureAwait(false);
            ClearQueues();
            _lostReason = null;
            string ended = lost is null ? reason : $"{reason}, but the stream had already ended: {lost}";
            SetStatus(RtmpWriterStatus.Disconnected, ended);
            if (lost is not null)
            {
                throw new RtmpException(_lostKind, ended);
            }

            return;
        }

        string? incomplete = null;
        try
        {
            // Written to the socket is not received: a server that resets, or closes before we do, may not have read the
            // end of the stream, and a connection lost after the last write (which would have thrown) left the rest unsent.
            string? broken = _lostReason is null
                ? await connection.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, cancellationToken).ConfigureAwait(false)
                : _lostReason;
            if (broken is not null)
            {
                long unconfirmed = Math.Max(0, connection.BytesSent - connection.BytesAcknowledged);
                incomplete = $"{reason}, but the server ended the connection first ({broken}): up to {unconfirmed} bytes sent since its last acknowledgement may not have arrived"
                    + (DescribeUndelivered(orNothing: true) is { } unsent ? $", and {unsent}" : "");
            }
        }
        finally
        {
            await TearDownAsync(connection).ConfigureAwait(false);
            SetStatus(RtmpWriterStatus.Disconnected, incomplete ?? reason);
        }

        if (incomplete is not null)
        {
            throw new RtmpException(RtmpErrorKind.Disconnected, incomplete);
        }
    }

    /// <summary>Stops for good (after a disconnect): no more reconnecting or sending; queued messages are released.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await CloseCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CloseCoreAsync()
    {
        _disposed = true;
        await StopReconnectingAsync().ConfigureAwait(false);
        await StopSendLoopAsync().ConfigureAwait(false);
        ClearQueues();
        _roomTimer?.Dispose();
        _startScratch.Dispose();
    }

    /// <summary>Waits for a reconnection loop to notice <see cref="CloseAsync"/> (outside the gate, which it takes).</summary>
    public async Task WaitClosedAsync()
    {
        try
        {
            await _reconnectLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopReconnecting?.Dispose();
    }

    private async Task ConnectCoreAsync(CancellationToken cancellationToken)
    {
        if (Connection is { } current)
        {
            if (_lostReason is null)
            {
                return;
            }

            await TearDownAsync(current).ConfigureAwait(false);
        }

        RtmpClientConnection connection = await OpenFirstAsync(cancellationToken).ConfigureAwait(false);
        Install(connection, waitForKeyframe: JoinsMidStream);
        SetStatus(RtmpWriterStatus.Connected, $"publishing to {_url}{TracksNote}");
        Watch(connection);
    }

    /// <summary>
    /// The first connection. With <see cref="RtmpReconnectOptions.RetryFirstConnect"/> a failure that may pass (unreachable,
    /// timed out, dropped during the handshake) is tried again as a lost connection would be; a refusal, a TLS or protocol
    /// failure is not, since trying again would meet it again.
    /// </summary>
    private async Task<RtmpClientConnection> OpenFirstAsync(CancellationToken cancellationToken)
    {
        RtmpReconnectOptions reconnect = _options.Reconnect;
        int retries = reconnect.RetryFirstConnect ? reconnect.Attempts : 0;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await OpenAndPublishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RtmpException ex) when (attempt <= retries && ex.Kind is RtmpErrorKind.Unreachable or RtmpErrorKind.Timeout or RtmpErrorKind.Handshake or RtmpErrorKind.Disconnected)
            {
                Volatile.Write(ref _lastError, ex.Message);
                WriterLog.FirstConnectFailed(_logger, attempt, retries, ex.Message);
                await Task.Delay(reconnect.EffectivePolicy.GetDelay(attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What the Connected status adds when the server gets the default tracks only (so the warning reaches status handlers too).</summary>
    private string TracksNote => _link?.Connection.MultitrackRefusal is { } refusal ? $"; the server gets the default video and audio tracks only: {refusal}" : "";

    /// <summary>Connect (with authentication) and publish within the connect timeout.</summary>
    private async Task<RtmpClientConnection> OpenAndPublishAsync(CancellationToken cancellationToken) =>
        (await RtmpConnector.ConnectAndPublishAsync(_url, _options with { WindowAcknowledgementSize = _windowSizer.Current }, OnServerStatus, publish: true, cancellationToken).ConfigureAwait(false)).Connection;

    /// <summary>
    /// Makes a freshly published connection the current one: the caller holds the gate, or is the send loop
    /// following a ReconnectRequest (the writer only queues meanwhile). The one list of what a new connection resets.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="waitForKeyframe">Video resumes on the next keyframe (a replay whose GOP start was not kept).</param>
    private void Install(RtmpClientConnection connection, bool waitForKeyframe)
    {
        _link = new Link(connection, _stream.VideoTrackCount, _stream.AudioTrackCount) { InstalledAt = _options.TimeProvider.GetTimestamp() };
        for (int track = 0; track < _stream.VideoTrackCount; track++)
        {
            // A multitrack replay starts at the earliest of the tracks' keyframes: each track resumes at its own.
            _link.WaitForKeyframe[track] = waitForKeyframe || _stream.IsMultitrack;
        }

        if (connection.MultitrackRefusal is { } refusal)
        {
            WriterLog.DefaultTracksOnly(_logger, refusal);
        }

        _everConnected = true;
        _lostReason = null;
        ServerInfo = connection.Info;
        UplinkMetrics.Connections.Add(1);
        Interlocked.CompareExchange(ref _firstConnectedTimestamp, _options.TimeProvider.GetTimestamp(), 0);
        if (_options.UsesSendLoop)
        {
            lock (_queue)
            {
                // What was written while reconnecting goes out in full; live dropping applies to what comes next.
                _queue.StartLiveRegion();
            }

            _sendLoop ??= Task.Run(SendLoopAsync);
            _dataReady.Set();
        }
    }

    /// <summary>
    /// Watches an installed connection for its loss; called once its Connected status is out, so a connection lost at once
    /// (a server that breaks the protocol in the same read as its publish answer) is reported lost after it, not before.
    /// </summary>
    private void Watch(RtmpClientConnection connection) => _ = WatchAsync(connection);

    /// <summary>Closes a connection that is over, keeping its byte counts in the totals (caller holds the gate).</summary>
    private async Task TearDownAsync(RtmpClientConnection connection, bool clearQueues = true)
    {
        if (Connection == connection)
        {
            _link = null;
        }

        // Disposing aborts a send the loop may be in, and returns once the loop has let go of the connection.
        await DisposeAndCountAsync(connection).ConfigureAwait(false);
        if (clearQueues)
        {
            ClearQueues();
        }
    }

    private async Task DisposeAndCountAsync(RtmpClientConnection connection)
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        Interlocked.Add(ref _closedBytesSent, connection.BytesSent);
        Interlocked.Add(ref _closedBytesAcknowledged, connection.BytesAcknowledged);
    }

    /// <summary>Releases what waits to be sent; the stream's own held messages are the writer's to clear.</summary>
    private void ClearQueues()
    {
        lock (_queue)
        {
            _queue.Clear();
        }
    }

    /// <summary>
    /// One connection's part of the sending: what the start of the stream on it has sent (per track), where each video
    /// track may resume, and whether the server takes the tracks after the default ones.
    /// </summary>
    private sealed class Link(RtmpClientConnection connection, int videoTracks, int audioTracks)
    {
        public RtmpClientConnection Connection { get; } = connection;

        /// <summary>onMetaData and the sequence headers known so far have gone out on this connection.</summary>
        public bool StartSent { get; set; }

        /// <summary>By video track: inter frames are skipped until the track's next keyframe.</summary>
        public bool[] WaitForKeyframe { get; } = new bool[videoTracks];

        /// <summary>The server cannot take Multitrack packets: only track 0 of each kind goes out.</summary>
        public bool DefaultTracksOnly { get; } = connection.MultitrackRefusal is not null;

        /// <summary>When the connection was installed (the options' TimeProvider's timestamp).</summary>
        public long InstalledAt { get; init; }

        /// <summary>By track: the sequence header last sent on this connection.</summary>
        public byte[]?[] SentVideoHeader { get; } = new byte[]?[videoTracks];

        public byte[]?[] SentAudioHeader { get; } = new byte[]?[audioTracks];

        /// <summary>By track: the colorInfo / MultichannelConfig last sent on this connection.</summary>
        public byte[]?[] SentVideoDescriptor { get; } = new byte[]?[videoTracks];

        public byte[]?[] SentAudioDescriptor { get; } = new byte[]?[audioTracks];

        /// <summary>Whether a message of this track goes out on this connection.</summary>
        public bool Carries(in OutgoingMessage message) => message.Track == 0 || !DefaultTracksOnly;
    }
}
