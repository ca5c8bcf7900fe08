using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Uplink.Protocol;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Server;

/// <summary>
/// One client connection, server side: handshake (simple or digest), then a single receive loop that reads
/// promptly, reassembles chunks, answers commands, acknowledges per the client's window, and records the
/// published stream. Every size the client controls is bounded; every wait has a timeout; every failure ends
/// only this connection, with a reason.
/// </summary>
internal sealed class RtmpServerConnection
{
    private const int CommandChunkStream = 3;
    private const int StatusChunkStream = 5;
    private const uint PublishStreamId = 1;
    private static readonly TimeSpan RefusedLinger = TimeSpan.FromSeconds(5);

    private readonly RtmpServer _server;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly RtmpServerOptions _options;
    private readonly ILogger _logger;
    private readonly ChunkedOutput _output;
    private readonly RtmpCommandCodec _commands = new();
    private readonly AcknowledgementWindow _window = new();
    private readonly ConnectionShutdown _shutdown = new();
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _serverStopping;
    private readonly object _stallGate = new();
    private TaskCompletionSource? _stall;
    private long _bytesReceived;
    private bool _connected;
    private bool _refused;
    private bool _dropped;
    private bool _closed;
    private string _app = "";
    private ActivePublish? _publish;
    private Task? _ending; // an unpublished publish's end, awaited outside the send lock

    public RtmpServerConnection(RtmpServer server, Socket socket, long id, RtmpServerOptions options, ILogger logger, CancellationToken serverStopping)
    {
        _server = server;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Id = id;
        RemoteEndPoint = socket.RemoteEndPoint;
        _options = options;
        _logger = logger;
        _serverStopping = serverStopping;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _output = new ChunkedOutput(_stream, 8 * 1024, Timeout.InfiniteTimeSpan);
    }

    public long Id { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The app/stream being published, or null.</summary>
    public PublishSessionInfo? Publishing => _publish?.Info;

    /// <summary>Bytes received so far, handshake included.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Stops (true) or resumes (false) reading from the client: the test knob for a stalled network.</summary>
    public void SetStalled(bool stalled)
    {
        lock (_stallGate)
        {
            if (stalled)
            {
                _stall ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _stall?.TrySetResult();
                _stall = null;
            }
        }
    }

    /// <summary>Sends Enhanced RTMP <c>onStatus NetConnection.Connect.ReconnectRequest</c> (level status), with an optional <c>tcUrl</c>.</summary>
    public async Task SendReconnectRequestAsync(string? tcUrl, string description, CancellationToken cancellationToken)
    {
        var info = new AmfObject()
            .Add("level", "status")
            .Add("code", "NetConnection.Connect.ReconnectRequest")
            .Add("description", description);
        if (tcUrl is not null)
        {
            info.Add("tcUrl", tcUrl);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        await _output.EnterAsync(linked.Token).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            EnqueueCommand(CommandChunkStream, 0, "onStatus", 0, null, info);
            await _output.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _output.Exit();
        }
    }

    /// <summary>Runs the connection to its end; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            ServerLog.Accepted(_logger, Id, RemoteEndPoint);
            _shutdown.Shutdown(await HandshakeAsync().ConfigureAwait(false) ?? await ReceiveLoopAsync().ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            _shutdown.Shutdown(_serverStopping.IsCancellationRequested ? "server stopped" : "idle timeout");
        }
        catch (Exception ex) when (ex is RtmpProtocolException or InvalidDataException)
        {
            _shutdown.Shutdown("protocol error: " + ex.Message);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _shutdown.Shutdown("connection lost: " + ex.Message);
        }
        catch (PublishHandlerException ex)
        {
            ServerLog.PublishHandlerFailed(_logger, ex.InnerException!, Id, _publish?.Info.App ?? _app, _publish?.Info.StreamName ?? "", ex.InnerException!.Message);
            _shutdown.Shutdown(ex.Message);
        }
#pragma warning disable CA1031 // One connection's bug must never take the server down or go unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ServerLog.Unexpected(_logger, ex, Id);
            _shutdown.Shutdown("internal error: " + ex.Message);
        }
        finally
        {
            string reason = _shutdown.Reason ?? "client closed";
            if (Interlocked.Exchange(ref _ending, null) is { } ending)
            {
                await ending.ConfigureAwait(false);
            }

            await EndPublish(reason).ConfigureAwait(false);
            ServerLog.Closed(_logger, Id, reason);
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task<string?> HandshakeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        byte[] c0c1 = ArrayPool<byte>.Shared.Rent(1 + ServerHandshake.PacketSize);
        byte[] response = ArrayPool<byte>.Shared.Rent(ServerHandshake.ResponseSize);
        try
        {
            if (!await ReadHandshakeAsync(c0c1.AsMemory(0, 1 + ServerHandshake.PacketSize), timeout.Token).ConfigureAwait(false))
            {
                return HandshakeEnd(timeout, "C0/C1");
            }

            if (c0c1[0] != ServerHandshake.Version)
            {
                return $"handshake: client asked for version {c0c1[0]}, only 3 (plain RTMP) is served";
            }

            uint now = (uint)Environment.TickCount;
            ServerHandshake.Kind kind = ServerHandshake.WriteResponse(c0c1.AsSpan(1, ServerHandshake.PacketSize), response, now, now);
            ServerLog.Handshake(_logger, Id, kind);
            await _stream.WriteAsync(response.AsMemory(0, ServerHandshake.ResponseSize), timeout.Token).ConfigureAwait(false);
            if (!await ReadHandshakeAsync(c0c1.AsMemory(0, ServerHandshake.PacketSize), timeout.Token).ConfigureAwait(false))
            {
                return HandshakeEnd(timeout, "C2");
            }

            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_cts.IsCancellationRequested)
        {
            return "handshake timeout";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(c0c1);
            ArrayPool<byte>.Shared.Return(response);
        }
    }

    // A drop has already recorded its reason, which wins over this one.
    private static string HandshakeEnd(CancellationTokenSource timeout, string what) =>
        timeout.IsCancellationRequested ? "handshake timeout" : $"client closed during the handshake (before {what})";

    /// <summary>Reads exactly the buffer, counting bytes for the drop knob; false when the client closed or was dropped.</summary>
    private async Task<bool> ReadHandshakeAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
            if (CountReceived(n))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds to the received count; true when the drop knob fired (the socket is then aborted).</summary>
    private bool CountReceived(long count)
    {
        long total = Interlocked.Add(ref _bytesReceived, count);
        if (_options.Behavior.DropAfterBytes is long limit && total >= limit && !_dropped)
        {
            _dropped = true;
            _shutdown.Shutdown("dropped");
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
            return true;
        }

        return false;
    }

    private async Task<string> ReceiveLoopAsync()
    {
        var reader = new RtmpMessageReader(_stream, 16 * 1024, _options.MaxMessageLength, _options.MaxChunkSize, _options.MaxBufferedBytesPerConnection);
        try
        {
            while (true)
            {
                Task? stall;
                lock (_stallGate)
                {
                    stall = _stall?.Task;
                }

                if (stall is not null)
                {
                    _cts.CancelAfter(Timeout.InfiniteTimeSpan);
                    await stall.WaitAsync(_cts.Token).ConfigureAwait(false);
                }

                _cts.CancelAfter(_refused ? RefusedLinger : _options.IdleTimeout);
                if (CountReceived(await reader.ReadAsync(_cts.Token).ConfigureAwait(false)))
                {
                    return "dropped";
                }

                try
                {
                    reader.ReadMessages();
                    for (int i = 0; i < reader.Messages.Count; i++)
                    {
                        await HandleMessageAsync(reader.Messages[i]).ConfigureAwait(false);
                    }
                }
                finally
                {
                    reader.ReleaseMessages();
                }

                await AcknowledgeAsync().ConfigureAwait(false);
                if (reader.IsCompleted)
                {
                    return reader.Leftover > 0 ? $"client closed in the middle of a chunk ({reader.Leftover} bytes left over)" : "client closed";
                }
            }
        }
        finally
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ValueTask HandleMessageAsync(RtmpMessage message)
    {
        ReadOnlySpan<byte> p = message.Payload;
        switch (message.Header.Type)
        {
            case RtmpMessageType.Video or RtmpMessageType.Audio or RtmpMessageType.DataAmf0 or RtmpMessageType.DataAmf3 or RtmpMessageType.Aggregate:
                // The payload stays valid while the handler is awaited: messages are released after the batch.
                return _publish is { } publish ? publish.ReceiveAsync(message.Header.Type, message.Header.Timestamp, message.PayloadMemory, this, _serverStopping) : default;
            case RtmpMessageType.WindowAcknowledgementSize when ProtocolControl.TryReadUInt32(p, out uint window):
                _window.SetPeerWindow(window);
                return default;
            case RtmpMessageType.CommandAmf0:
                return new ValueTask(HandleCommandAsync(p, message.Header.StreamId));
            case RtmpMessageType.CommandAmf3 when p.Length > 0:
                return new ValueTask(HandleCommandAsync(p[1..], message.Header.StreamId));
            default:
                // Acknowledgements, pongs, Set Peer Bandwidth: nothing to answer.
                return default;
        }
    }

    private async Task AcknowledgeAsync()
    {
        if (!_window.TryAcknowledge(Interlocked.Read(ref _bytesReceived), out uint sequenceNumber))
        {
            return;
        }

        await _output.EnterAsync(_cts.Token).ConfigureAwait(false);
        try
        {
            ProtocolControl.EnqueueUInt32(_output, RtmpMessageType.Acknowledgement, sequenceNumber);
            await _output.FlushAsync(_cts.Token).ConfigureAwait(false);
        }
        finally
        {
            _output.Exit();
        }
    }

    private Task HandleCommandAsync(ReadOnlySpan<byte> payload, uint messageStreamId)
    {
        RtmpCommand command = RtmpCommandCodec.Parse(payload);

        // A refused connection only waits for the client to close.
        return _refused ? Task.CompletedTask : AnswerCommandAsync(command, messageStreamId);
    }

    private async Task AnswerCommandAsync(RtmpCommand command, uint messageStreamId)
    {
        await _output.EnterAsync(_cts.Token).ConfigureAwait(false);
        try
        {
            HandleCommandLocked(command, messageStreamId);
            await _output.FlushAsync(_cts.Token).ConfigureAwait(false);
        }
        finally
        {
            _output.Exit();
        }

        // An unpublish ends its handler here, outside the send lock (a relay may take a while to finish).
        if (Interlocked.Exchange(ref _ending, null) is { } ending)
        {
            await ending.ConfigureAwait(false);
        }
    }

    private void HandleCommandLocked(RtmpCommand command, uint messageStreamId)
    {
        string name = command.Name;
        double transaction = command.Transaction;
        if (!_connected && name != "connect")
        {
            ServerLog.IgnoredCommand(_logger, Id, name);
            return;
        }

        switch (name)
        {
            case "connect":
                Connect(transaction, command.CommandObject);
                break;
            case "releaseStream":
            case "_checkbw":
                ReplyResult(transaction, null);
                break;
            case "FCPublish":
                EnqueueCommand(CommandChunkStream, 0, "onFCPublish", 0, null, Status("status", "NetStream.Publish.Start", StreamNameOf(command)));
                ReplyResult(transaction, null);
                break;
            case "createStream":
                ReplyResult(transaction, (double)PublishStreamId);
                break;
            case "publish":
                Publish(StreamNameOf(command), messageStreamId == 0 ? PublishStreamId : messageStreamId);
                break;
            case "FCUnpublish":
                EnqueueCommand(CommandChunkStream, 0, "onFCUnpublish", 0, null, Status("status", "NetStream.Unpublish.Success", StreamNameOf(command)));
                ReplyResult(transaction, null);
                Unpublish();
                break;
            case "deleteStream":
            case "closeStream":
                Unpublish();
                break;
            case "play":
                EnqueueCommand(StatusChunkStream, messageStreamId, "onStatus", 0, null, Status("error", "NetStream.Play.Failed", "This server only accepts publishers."));
                break;
            default:
                ServerLog.IgnoredCommand(_logger, Id, name);
                break;
        }
    }

    /// <summary>The stream name publish, FCPublish and FCUnpublish carry after the command object.</summary>
    private static string StreamNameOf(RtmpCommand command) => command.Argument(1) as string ?? "";

    private void Connect(double transaction, AmfObject? command)
    {
        string appWithQuery = command?.GetString("app") ?? "";
        ConnectQuery query = ConnectQuery.Parse(appWithQuery);
        AuthenticationDecision decision = _server.Authenticator.Check(appWithQuery);
        if (!decision.Accepted)
        {
            _refused = true;
            if (decision.Reason is "authfailed" or "nosuchuser")
            {
                ServerLog.ConnectRefused(_logger, Id, query.App, decision.Reason);
                _server.RaiseRefused(new PublishRefusal(Id, RemoteEndPoint, query.App, "", "reason=" + decision.Reason));
            }
            else
            {
                ServerLog.AuthenticationStep(_logger, Id, query.App, decision.Reason);
            }

            EnqueueCommand(CommandChunkStream, 0, "_error", transaction, null, Status("error", "NetConnection.Connect.Rejected", decision.Description));
            return;
        }

        _connected = true;
        _app = query.App.TrimEnd('/');
        ServerLog.ConnectAccepted(_logger, Id, _app);
        ProtocolControl.EnqueueUInt32(_output, RtmpMessageType.WindowAcknowledgementSize, _options.WindowAcknowledgementSize);
        ProtocolControl.EnqueueSetPeerBandwidth(_output, _options.WindowAcknowledgementSize, limitType: 2); // dynamic
        ProtocolControl.EnqueueUInt32(_output, RtmpMessageType.SetChunkSize, (uint)_options.ChunkSize);
        _output.ChunkSize = _options.ChunkSize;
        var properties = new AmfObject().Add("fmsVer", "FMS/3,5,7,7009").Add("capabilities", 31.0).Add("mode", 1.0);
        AmfObject info = Status("status", "NetConnection.Connect.Success", "Connection succeeded.").Add("objectEncoding", command?.GetNumber("objectEncoding") ?? 0.0);
        EnqueueCommand(CommandChunkStream, 0, "_result", transaction, properties, info);
    }

    private void Publish(string requestedName, uint streamId)
    {
        int q = requestedName.IndexOf('?', StringComparison.Ordinal);
        string stream = q < 0 ? requestedName : requestedName[..q];
        RtmpServerBehavior behavior = _options.Behavior;
        string? refusal = null;
        string description = "";
        if (behavior.RefusePublishCode is { } code)
        {
            refusal = code;
            description = behavior.RefusePublishDescription;
        }
        else if (stream.Length == 0 || _publish is not null)
        {
            refusal = "NetStream.Publish.BadName";
            description = stream.Length == 0 ? "No stream name given." : "This connection is already publishing.";
        }
        else if (_server.TryClaim(_app, stream, this) is { } claimRefusal)
        {
            (refusal, description) = claimRefusal;
        }

        if (refusal is not null)
        {
            ServerLog.PublishRefused(_logger, Id, _app, stream, refusal);
            _server.RaiseRefused(new PublishRefusal(Id, RemoteEndPoint, _app, stream, refusal));
            EnqueueCommand(StatusChunkStream, streamId, "onStatus", 0, null, Status("error", refusal, description));
            return;
        }

        DateTimeOffset started = _options.TimeProvider.GetUtcNow();
        FlvRecorder? recorder = _options.RecordDirectory is { } directory ? FlvRecorder.TryCreate(directory, _app, stream, started, _logger, Id) : null;

        var info = new PublishSessionInfo(Id, _app, stream, RemoteEndPoint, started, recorder?.Path);
        IRtmpPublishHandler? handler = null;
        try
        {
            handler = _options.PublishHandlerFactory?.Invoke(info);
        }
#pragma warning disable CA1031 // An embedder's factory may throw anything: the publish is refused, the server goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ServerLog.PublishHandlerFailed(_logger, ex, Id, _app, stream, ex.Message);
            recorder?.Discard();
            _server.Release(_app, stream, this);
            _server.RaiseRefused(new PublishRefusal(Id, RemoteEndPoint, _app, stream, "NetStream.Publish.Failed"));
            EnqueueCommand(StatusChunkStream, streamId, "onStatus", 0, null, Status("error", "NetStream.Publish.Failed", "The server could not take this publish."));
            return;
        }

        _publish = new ActivePublish(info, recorder, streamId, handler);
        ProtocolControl.EnqueueStreamBegin(_output, streamId);
        EnqueueCommand(StatusChunkStream, streamId, "onStatus", 0, null, Status("status", "NetStream.Publish.Start", $"{stream} is now published."));
        ServerLog.PublishStarted(_logger, Id, _app, stream, recorder?.Path ?? "(not recording)");
        _server.RaiseStarted(info);
    }

    private void Unpublish()
    {
        if (_publish is { } publish)
        {
            EnqueueCommand(StatusChunkStream, publish.StreamId, "onStatus", 0, null, Status("status", "NetStream.Unpublish.Success", $"{publish.Info.StreamName} is now unpublished."));
            _ending = EndPublish("unpublished");
        }
    }

    /// <summary>Ends the publish: closes the recording, logs the summary; the task ends the handler, then frees the name and reports the end.</summary>
    private Task EndPublish(string reason)
    {
        ActivePublish? publish = Interlocked.Exchange(ref _publish, null);
        if (publish is null)
        {
            return Task.CompletedTask;
        }

        try
        {
            publish.Recorder?.Dispose();
        }
        catch (IOException ex)
        {
            ServerLog.RecordingFailed(_logger, Id, ex.Message);
        }

        PublishSessionSummary summary = publish.Summarize(_options.TimeProvider.GetUtcNow(), BytesReceived, reason);
        ServerLog.Summary(_logger, Id, summary);
        return FinishEndAsync(publish.Handler, summary);
    }

    private async Task FinishEndAsync(IRtmpPublishHandler? handler, PublishSessionSummary summary)
    {
        if (handler is not null)
        {
            await Task.Yield(); // an unpublish starts this under the send lock: the handler runs outside it
            try
            {
                await handler.OnEndAsync(summary).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // An embedder's handler may throw anything; the end is still reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ServerLog.PublishHandlerFailed(_logger, ex, Id, summary.App, summary.StreamName, ex.Message);
            }
        }

        _server.Release(summary.App, summary.StreamName, this);
        _server.RaiseEnded(summary);
    }

    /// <summary>Called by the active publish when writing the recording failed: stop recording, keep the session.</summary>
    internal void OnRecordingFailed(Exception ex) => ServerLog.RecordingFailed(_logger, Id, ex.Message);

    private static AmfObject Status(string level, string code, string description) =>
        new AmfObject().Add("level", level).Add("code", code).Add("description", description);

    private void ReplyResult(double transaction, object? value)
    {
        if (transaction != 0)
        {
            EnqueueCommand(CommandChunkStream, 0, "_result", transaction, null, value);
        }
    }

    private void EnqueueCommand(int chunkStreamId, uint streamId, string name, double transaction, AmfObject? commandObject, object? argument) =>
        _commands.Enqueue(_output, chunkStreamId, streamId, name, transaction, commandObject, argument);

    private async Task CloseAsync()
    {
        // Stop a concurrent knob (ReconnectRequest) and take the send lock for good before freeing the buffers.
        await _cts.CancelAsync().ConfigureAwait(false);
        await _output.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        _closed = true;
        _output.Exit();
        try
        {
            if (!_dropped && _socket.Connected)
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _stream.Dispose();
        _cts.Dispose();
        await _output.ReleaseBuffersAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        _commands.Dispose();
    }
}
