using System.Globalization;
using Microsoft.Extensions.Logging;
using Uplink.Protocol;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Transport;

namespace Uplink.Session;

/// <summary>
/// One RTMP connection, client side: handshake, connect, publish, control messages, acknowledgements,
/// and sending chunked messages. Sending is serialised by a lock that callers take around a batch of
/// messages (<see cref="EnterSendAsync"/>, <see cref="Enqueue"/>, <see cref="FlushAsync"/>, <see cref="ExitSend"/>);
/// a receive loop answers pings and acknowledgements and routes command replies and onStatus. The receive loop
/// never waits for the send lock: its replies are queued and go out with the next flush, or by a flush of their own
/// once the lock is free, so a send blocked on a congested socket never stops us reading. Acknowledgements, both ways,
/// are in RtmpClientConnection.Acknowledgements.cs.
/// </summary>
internal sealed partial class RtmpClientConnection : IAsyncDisposable, IRtmpMessageSink
{
    private readonly RtmpTransport _transport;
    private readonly RtmpConnectionSettings _settings;
    private readonly ILogger _logger;
    private readonly ILogger _chunkLogger;
    private readonly bool _traceMessages;
    private readonly bool _traceChunks;
    private readonly ChunkedOutput _output;
    private readonly RtmpCommandCodec _commands = new();
    private readonly ConnectionShutdown _shutdown = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Action<RtmpClientConnection>> _controls = new();
    private readonly PendingTransactions<CommandReply> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _closeStarted;
    private bool _endedAfterOurClose;
    private readonly TaskCompletionSource<RtmpServerStatus> _publishStatus = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RtmpServerStatus>? _onServerStatus;
    private Task _receiveLoop = Task.CompletedTask;
    private long _bytesSent;
    private RtmpUrl? _url;
    private int _disposed;

    /// <param name="transport">The connected socket or TLS stream.</param>
    /// <param name="settings">What to send in connect and how to chunk.</param>
    /// <param name="logger">Connection events (category <c>Uplink.Session</c>); every message sent and received at Trace.</param>
    /// <param name="chunkLogger">Every chunk sent, at Trace (category <c>Uplink.Chunks</c>).</param>
    /// <param name="onServerStatus">Receives the server's onStatus messages.</param>
    public RtmpClientConnection(RtmpTransport transport, RtmpConnectionSettings settings, ILogger logger, ILogger chunkLogger, Action<RtmpServerStatus>? onServerStatus)
    {
        _transport = transport;
        _settings = settings;
        _logger = logger;
        _chunkLogger = chunkLogger;

        // Asked once: the per-message and per-chunk paths then cost one flag test when these levels are off.
        _traceMessages = logger.IsEnabled(LogLevel.Trace);
        _traceChunks = chunkLogger.IsEnabled(LogLevel.Trace);
        _onServerStatus = onServerStatus;
        _output = new ChunkedOutput(transport.Stream, 16 * 1024, settings.SendTimeout);
    }

    /// <summary>Ends when the server closes the connection or the connection fails.</summary>
    public Task Completion => _receiveLoop;

    /// <summary>Why the connection ended, once it has.</summary>
    public string? CloseReason => _shutdown.Reason;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public uint StreamId { get; private set; }

    public string ServerVersion { get; private set; } = "";

    /// <summary>What the accepted <c>connect</c> told us, with the timings.</summary>
    public RtmpServerInfo? Info { get; private set; }

    /// <summary>Why this server gets the stream's default tracks only (it cannot take Multitrack packets); null when it gets every track.</summary>
    public string? MultitrackRefusal { get; set; }

    /// <summary>The properties object of the server's answer to <c>connect</c> (Enhanced RTMP servers list codecs there).</summary>
    public AmfObject? ConnectAnswer { get; private set; }

    /// <summary>Handshake, our Set Chunk Size and Window Ack Size, then <c>connect</c> with <paramref name="authParameters"/>
    /// appended to app and tcUrl (as FFmpeg does for authentication).</summary>
    /// <returns>Null when the server accepted; its (unredacted) status when it refused.</returns>
    public async Task<RtmpServerStatus?> ConnectAsync(RtmpUrl url, string authParameters, CancellationToken cancellationToken)
    {
        _url = url;
        long started = System.Diagnostics.Stopwatch.GetTimestamp() - _transport.ConnectTicks;
        TimeSpan handshakeRoundTrip = await RtmpHandshake.RunAsync(_transport.Stream, _settings.DigestHandshake, cancellationToken).ConfigureAwait(false);
        _bytesSent = RtmpHandshake.BytesSent;
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);

        Task<CommandReply> reply;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProtocolControl.EnqueueUInt32(this, RtmpMessageType.SetChunkSize, (uint)_settings.ChunkSize);
            _output.ChunkSize = _settings.ChunkSize;
            AnnounceWindow(_settings.WindowAcknowledgementSize);
            reply = EnqueueRequest(ChunkStreamIds.Command, 0, "connect", _settings.BuildConnectObject(url, authParameters));
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        CommandReply result = await WaitAsync(reply, "connect", cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            return result.Status ?? new RtmpServerStatus("error", "NetConnection.Connect.Rejected", "");
        }

        if (result.CommandObject is { } props)
        {
            ServerVersion = props.GetString("fmsVer") ?? "";
            ConnectAnswer = props;
        }

        Info = new RtmpServerInfo(ServerVersion, result.CommandObject?.GetNumber("capabilities"), System.Diagnostics.Stopwatch.GetElapsedTime(started), handshakeRoundTrip);

        SessionLog.Connected(_logger, url.Host, url.Port, ServerVersion.Length > 0 ? ServerVersion : "(unnamed)");
        return null;
    }

    /// <summary>releaseStream, FCPublish, createStream, then publish(name, "live") until NetStream.Publish.Start.</summary>
    public async Task<RtmpServerStatus> PublishAsync(string streamName, CancellationToken cancellationToken)
    {
        Task<CommandReply> created;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _ = EnqueueRequest(ChunkStreamIds.Command, 0, "releaseStream", null, streamName);
            _ = EnqueueRequest(ChunkStreamIds.Command, 0, "FCPublish", null, streamName);
            created = EnqueueRequest(ChunkStreamIds.Command, 0, "createStream", null);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        CommandReply reply = await WaitAsync(created, "createStream", cancellationToken).ConfigureAwait(false);
        if (reply.Success && reply.FirstArgument is double answered && !(answered >= 0 && answered <= uint.MaxValue))
        {
            // NaN and infinities too: not a stream id the publish could go on.
            throw new RtmpException(RtmpErrorKind.Protocol, string.Create(CultureInfo.InvariantCulture, $"server answered createStream with stream id {answered}, which is not one"));
        }

        if (!reply.Success || reply.FirstArgument is not double id)
        {
            RtmpServerStatus? s = reply.Status;
            string? description = s is null ? null : ServerText.Shorten(_url!.Redact(s.Description));
            string? code = s is null ? null : ServerText.Shorten(s.Code);
            throw new RtmpException(RtmpErrorKind.PublishRejected, $"server refused createStream{(s is null ? "" : ": " + code + Describe(description))}", code, description);
        }

        StreamId = (uint)id;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnqueueCommand(ChunkStreamIds.Stream, StreamId, "publish", streamName, "live");
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        RtmpServerStatus status = await WaitAsync(_publishStatus.Task, "publish", cancellationToken).ConfigureAwait(false);
        if (status.IsError || status.Code != "NetStream.Publish.Start")
        {
            string description = ServerText.Shorten(_url!.Redact(status.Description));
            string code = ServerText.Shorten(status.Code);
            throw new RtmpException(RtmpErrorKind.PublishRejected, $"server refused publish: {code}{Describe(description)}", code, description);
        }

        SessionLog.Publishing(_logger, StreamId);
        return status;
    }

    /// <summary>FCUnpublish and deleteStream, then a graceful close that lets the server read everything we sent.</summary>
    /// <returns>Null when the stream ended as it should; otherwise why the end of what we sent may not have reached the
    /// server (it reset the connection, or closed it before we began to).</returns>
    public async Task<string?> UnpublishAndCloseAsync(string streamName, TimeSpan lingerTimeout, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _closeStarted, true);
        string? lostFirst = null;
        if (!_receiveLoop.IsCompleted && StreamId != 0)
        {
            try
            {
                await EnterSendAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    EnqueueCommand(ChunkStreamIds.Command, 0, "FCUnpublish", streamName);
                    EnqueueCommand(ChunkStreamIds.Command, 0, "deleteStream", (double)StreamId);
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ExitSend();
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or RtmpException)
            {
                // The server ended the connection before our end of the stream reached it, even when the receive loop only
                // sees its close after this (and so would take it for an answer to ours).
                lostFirst = ex.Message;
            }
        }

        await CloseGracefullyAsync(lingerTimeout).ConfigureAwait(false);
        SessionLog.Closed(_logger);
        if (lostFirst is not null)
        {
            return _shutdown.Reason ?? lostFirst;
        }

        return _receiveLoop.IsCompleted && !Volatile.Read(ref _endedAfterOurClose) ? _shutdown.Reason ?? "connection closed" : null;
    }

    /// <summary>Shuts down our sending side and keeps reading until the server closes (or the timeout), so the
    /// kernel never answers unread data with a reset that would discard our last frames at the server.</summary>
    public async Task CloseGracefullyAsync(TimeSpan lingerTimeout)
    {
        await _transport.ShutdownSendAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.WaitAsync(lingerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (Exception ex) when (ex is IOException or RtmpException or OperationCanceledException)
        {
        }
    }

    public ValueTask EnterSendAsync(CancellationToken cancellationToken) => new(_output.EnterAsync(cancellationToken));

    public void ExitSend() => _output.Exit();

    /// <summary>Chunks one message into the pending output (caller holds the send lock).</summary>
    public void Enqueue(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlySpan<byte> payload)
    {
        ThrowIfClosed();
        int format = _output.Enqueue(chunkStreamId, type, timestamp, streamId, payload);
        if (_traceMessages)
        {
            SessionLog.MessageSent(_logger, (int)type, chunkStreamId, timestamp, payload.Length);
        }

        if (_traceChunks)
        {
            LogChunks(chunkStreamId, format, payload.Length);
        }
    }

    private void LogChunks(int chunkStreamId, int format, int length)
    {
        int size = _output.ChunkSize;
        int count = Math.Max(1, (length + size - 1) / size);
        for (int i = 0; i < count; i++)
        {
            SessionLog.ChunkSent(_chunkLogger, i + 1, count, chunkStreamId, i == 0 ? format : 3, Math.Min(size, length - (i * size)));
        }
    }

    /// <summary>Bytes chunked but not yet flushed (caller holds the send lock).</summary>
    public int PendingBytes => _output.PendingBytes;

    /// <summary>Writes the pending output, and any control replies the receive loop queued, to the transport (caller holds the send lock).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        while (_controls.TryDequeue(out Action<RtmpClientConnection>? control))
        {
            control(this);
        }

        if (_output.PendingBytes == 0)
        {
            return;
        }

        if (_shutdown.Reason is { } reason)
        {
            _output.Discard();
            throw new RtmpException(_shutdown.Kind, $"connection lost: {reason}");
        }

        int count;
        try
        {
            count = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _shutdown.Shutdown(ex.Message);
            throw new RtmpException(RtmpErrorKind.Disconnected, $"connection lost while sending: {ex.Message}", innerException: ex);
        }
        catch (TimeoutException)
        {
            _shutdown.Shutdown($"a send did not finish in {_settings.SendTimeout.TotalSeconds:0.#} s (the server stopped reading)");
            throw new RtmpException(RtmpErrorKind.Timeout, _shutdown.Reason!);
        }
        catch (OperationCanceledException)
        {
            // Part of a chunk may be on the wire: the stream cannot go on from here.
            _shutdown.Shutdown("a send was cancelled part way");
            throw;
        }

        Interlocked.Add(ref _bytesSent, count);
        UplinkMetrics.BytesSent.Add(count);
        if (_traceMessages)
        {
            SessionLog.Flushed(_logger, count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        _transport.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or RtmpException or OperationCanceledException or ObjectDisposedException)
        {
        }

        FailPending(new RtmpException(RtmpErrorKind.Disconnected, "connection closed"));

        // A send loop may still be in a send (the transport is gone, so it fails at once): the buffers go back to the
        // pool only once it has let go of the send lock, and every send after this sees _disposed and stops.
        if (await _output.ReleaseBuffersAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
        {
            _commands.Dispose();
        }

        _closing.Dispose();
    }

    /// <summary>A send after <see cref="DisposeAsync"/> started (a send loop racing a teardown) fails like a lost connection.</summary>
    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new RtmpException(RtmpErrorKind.Disconnected, "connection closed");
        }
    }

    /// <summary>Queues a command that expects a reply; the task completes with its <c>_result</c> or <c>_error</c>.</summary>
    private Task<CommandReply> EnqueueRequest(int chunkStreamId, uint streamId, string name, AmfObject? commandObject, params ReadOnlySpan<object?> arguments)
    {
        ThrowIfClosed();
        double transaction = _pending.Begin(out Task<CommandReply> reply);
        _commands.Enqueue(this, chunkStreamId, streamId, name, transaction, commandObject, arguments);
        return reply;
    }

    /// <summary>Queues a command with no reply expected (transaction 0, no command object).</summary>
    private void EnqueueCommand(int chunkStreamId, uint streamId, string name, params ReadOnlySpan<object?> arguments)
    {
        ThrowIfClosed();
        _commands.Enqueue(this, chunkStreamId, streamId, name, 0, null, arguments);
    }

    /// <summary>Queues a control reply from the receive loop; it goes out with the next flush, whoever makes it.</summary>
    private Task PostControl(Action<RtmpClientConnection> enqueue)
    {
        _controls.Enqueue(enqueue);
        _ = FlushControlsAsync();
        return Task.CompletedTask;
    }

    private async Task FlushControlsAsync()
    {
        try
        {
            await _output.EnterAsync(_closing.Token).ConfigureAwait(false);
            try
            {
                if (!_controls.IsEmpty)
                {
                    await FlushAsync(_closing.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _output.Exit();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or RtmpException)
        {
            // The connection is closing or lost; whoever uses it next finds out.
        }
    }

    private async Task<T> WaitAsync<T>(Task<T> task, string what, CancellationToken cancellationToken)
    {
        Task first = await Task.WhenAny(task, _receiveLoop).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first != task)
        {
            // The connection ended before the reply: a reply that raced in still wins.
            if (task.IsCompleted)
            {
                return await task.ConfigureAwait(false);
            }

            string? reason = _shutdown.Reason;
            throw new RtmpException(_shutdown.Kind, $"the connection ended while waiting for the reply to {what}{(reason is null ? "" : ": " + reason)}");
        }

        return await task.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        var reader = new RtmpMessageReader(
            _transport.Stream,
            bufferSize: 4096,
            _settings.MaxIncomingMessageLength,
            _settings.MaxIncomingChunkSize,
            maxBufferedBytes: 16L * 1024 * 1024,
            onPeerChunkSize: size => SessionLog.PeerChunkSize(_logger, size));
        try
        {
            while (true)
            {
                await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                long consumed;
                try
                {
                    consumed = reader.ReadMessages();
                    for (int i = 0; i < reader.Messages.Count; i++)
                    {
                        await HandleMessageAsync(reader.Messages[i]).ConfigureAwait(false);
                    }
                }
                finally
                {
                    reader.ReleaseMessages();
                }

                await CountReceivedAsync(consumed).ConfigureAwait(false);
                if (reader.IsCompleted)
                {
                    // A server that closes once we said we are done has read all we sent; one that closes first may not have.
                    Volatile.Write(ref _endedAfterOurClose, Volatile.Read(ref _closeStarted));
                    _shutdown.Shutdown("server closed the connection");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            _shutdown.Shutdown("closed");
        }
        catch (RtmpProtocolException ex)
        {
            _shutdown.Shutdown("protocol error: " + ex.Message, RtmpErrorKind.Protocol);
            SessionLog.ConnectionLost(_logger, _shutdown.Reason!);
            throw new RtmpException(RtmpErrorKind.Protocol, "RTMP protocol error from server: " + ex.Message, innerException: ex);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            _shutdown.Shutdown(ex.Message);
            SessionLog.ConnectionLost(_logger, _shutdown.Reason!);
        }
        finally
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            FailPending(new RtmpException(_shutdown.Kind, "connection closed: " + (_shutdown.Reason ?? "unknown")));
        }
    }

    private Task HandleMessageAsync(RtmpMessage message)
    {
        ReadOnlySpan<byte> p = message.Payload;
        if (_traceMessages)
        {
            SessionLog.MessageReceived(_logger, (int)message.Header.Type, message.ChunkStreamId, message.Header.Length);
        }

        switch (message.Header.Type)
        {
            case RtmpMessageType.Acknowledgement when ProtocolControl.TryReadUInt32(p, out uint sequenceNumber):
                UpdateAcknowledged(sequenceNumber);
                return Task.CompletedTask;
            case RtmpMessageType.WindowAcknowledgementSize when ProtocolControl.TryReadUInt32(p, out uint window):
                SessionLog.PeerWindow(_logger, _window.SetPeerWindow(window));
                return Task.CompletedTask;
            case RtmpMessageType.UserControl when ProtocolControl.TryReadPingRequest(p, out uint stamp):
                SessionLog.Ping(_logger, stamp);
                return PostControl(c => ProtocolControl.EnqueuePingResponse(c, stamp));
            case RtmpMessageType.CommandAmf0:
                return HandleCommandAsync(p);
            case RtmpMessageType.CommandAmf3 when p.Length > 0:
                return HandleCommandAsync(p[1..]);
            default:
                // Set Peer Bandwidth is advisory (no publisher we know throttles on it); media and data are not for us.
                return Task.CompletedTask;
        }
    }

    private Task HandleCommandAsync(ReadOnlySpan<byte> payload)
    {
        RtmpCommand command;
        try
        {
            command = RtmpCommandCodec.Parse(payload);
        }
        catch (InvalidDataException ex)
        {
            throw new RtmpProtocolException("malformed command: " + ex.Message);
        }

        switch (command.Name)
        {
            case "_result":
            case "_error":
                _pending.TryComplete(command.Transaction, new CommandReply(command.Name == "_result", command.CommandObject, command.Argument(1), RtmpServerStatus.Find(command.Arguments)));
                return Task.CompletedTask;
            case "onStatus":
                RtmpServerStatus? status = RtmpServerStatus.Find(command.Arguments);
                if (status is not null)
                {
                    SessionLog.ServerStatus(_logger, ServerText.Shorten(status.Level), ServerText.Shorten(status.Code), ServerText.Shorten(_url?.Redact(status.Description) ?? status.Description));
                    _onServerStatus?.Invoke(status);
                    if (status.Code.StartsWith("NetStream.Publish.", StringComparison.Ordinal) || status.IsError)
                    {
                        _publishStatus.TrySetResult(status);
                    }
                }

                return Task.CompletedTask;
            case "onBWDone":
                // FFmpeg answers with _checkbw; some servers wait for it before going on.
                return PostControl(c => c.EnqueueCommand(ChunkStreamIds.Command, 0, "_checkbw"));
            case "close":
                _shutdown.Shutdown("server sent close");
                return Task.CompletedTask;
            default:
                SessionLog.IgnoredCommand(_logger, command.Name);
                return Task.CompletedTask;
        }
    }

    private void FailPending(Exception error)
    {
        _pending.FailAll(error);
        _publishStatus.TrySetException(error);
        _ = _publishStatus.Task.Exception;
    }

    private static string Describe(string? description) => string.IsNullOrEmpty(description) ? "" : " (" + description + ")";

    private readonly record struct CommandReply(bool Success, AmfObject? CommandObject, object? FirstArgument, RtmpServerStatus? Status);
}
