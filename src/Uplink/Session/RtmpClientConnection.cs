using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Uplink.Protocol.Amf;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;
using Uplink.Transport;

namespace Uplink.Session;

/// <summary>
/// One RTMP connection, client side: handshake, connect, publish, control messages, acknowledgements,
/// and sending chunked messages. Sending is serialised by a lock that callers take around a batch of
/// messages (<see cref="EnterSendAsync"/>, <see cref="Enqueue"/>, <see cref="FlushAsync"/>, <see cref="ExitSend"/>);
/// a receive loop answers pings and acknowledgements and routes command replies and onStatus. The receive loop
/// never waits for the send lock: its replies are queued and go out with the next flush, or by a flush of their own
/// once the lock is free, so a send blocked on a congested socket never stops us reading.
/// </summary>
internal sealed class RtmpClientConnection : IAsyncDisposable
{
    private const uint MaxPeerWindow = 0x7FFFFFFF;

    private readonly RtmpTransport _transport;
    private readonly RtmpConnectionSettings _settings;
    private readonly ILogger _logger;
    private readonly ILogger _chunkLogger;
    private readonly bool _traceMessages;
    private readonly bool _traceChunks;
    private readonly ChunkStreamWriter _chunkWriter = new();
    private readonly ChunkStreamReader _chunkReader;
    private readonly PooledBufferWriter _output = new(16 * 1024);
    private readonly PooledBufferWriter _scratch = new(1024);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<Action<RtmpClientConnection>> _controls = new();
    private readonly Dictionary<double, TaskCompletionSource<CommandReply>> _pending = [];
    private readonly CancellationTokenSource _closing = new();
    private CancellationTokenSource _sendTimer = new();
    private readonly TaskCompletionSource<RtmpServerStatus> _publishStatus = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RtmpServerStatus>? _onServerStatus;
    private Task _receiveLoop = Task.CompletedTask;
    private double _nextTransaction = 1;
    private long _bytesSent;
    private long _bytesReceived;
    private long _lastAckSent;
    private uint _peerWindow;
    private long _bytesAcknowledged;
    private string? _closeReason;
    private RtmpErrorKind _closeKind = RtmpErrorKind.Disconnected;
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
        _chunkReader = new ChunkStreamReader(maxMessageLength: settings.MaxIncomingMessageLength, maxChunkSize: settings.MaxIncomingChunkSize);
    }

    /// <summary>Ends when the server closes the connection or the connection fails.</summary>
    public Task Completion => _receiveLoop;

    /// <summary>Why the connection ended, once it has.</summary>
    public string? CloseReason => _closeReason;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesAcknowledged => Interlocked.Read(ref _bytesAcknowledged);

    public uint StreamId { get; private set; }

    public string ServerVersion { get; private set; } = "";

    /// <summary>What the accepted <c>connect</c> told us, with the timings.</summary>
    public RtmpServerInfo? Info { get; private set; }

    private TimeSpan _handshakeRoundTrip;

    /// <summary>Handshake, our Set Chunk Size and Window Ack Size, then <c>connect</c> with <paramref name="authParameters"/>
    /// appended to app and tcUrl (as FFmpeg does for authentication).</summary>
    /// <returns>Null when the server accepted; its (unredacted) status when it refused.</returns>
    public async Task<RtmpServerStatus?> ConnectAsync(RtmpUrl url, string authParameters, CancellationToken cancellationToken)
    {
        _url = url;
        long started = System.Diagnostics.Stopwatch.GetTimestamp() - _transport.ConnectTicks;
        await HandshakeAsync(cancellationToken).ConfigureAwait(false);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);

        TaskCompletionSource<CommandReply> reply;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnqueueSetChunkSize(_settings.ChunkSize);
            EnqueueControl(RtmpMessageType.WindowAcknowledgementSize, _settings.WindowAcknowledgementSize);
            reply = EnqueueCommand(ChunkStreamIds.Command, 0, "connect", BuildConnectObject(url, authParameters), expectReply: true)!;
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        CommandReply result = await WaitAsync(reply.Task, "connect", cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            return result.Status ?? new RtmpServerStatus("error", "NetConnection.Connect.Rejected", "");
        }

        if (result.CommandObject is { } props)
        {
            ServerVersion = props.GetString("fmsVer") ?? "";
        }

        Info = new RtmpServerInfo(ServerVersion, result.CommandObject?.GetNumber("capabilities"), System.Diagnostics.Stopwatch.GetElapsedTime(started), _handshakeRoundTrip);

        SessionLog.Connected(_logger, url.Host, url.Port, ServerVersion.Length > 0 ? ServerVersion : "(unnamed)");
        return null;
    }

    /// <summary>releaseStream, FCPublish, createStream, then publish(name, "live") until NetStream.Publish.Start.</summary>
    public async Task<RtmpServerStatus> PublishAsync(string streamName, CancellationToken cancellationToken)
    {
        TaskCompletionSource<CommandReply> created;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnqueueCommand(ChunkStreamIds.Command, 0, "releaseStream", null, expectReply: true, streamName);
            EnqueueCommand(ChunkStreamIds.Command, 0, "FCPublish", null, expectReply: true, streamName);
            created = EnqueueCommand(ChunkStreamIds.Command, 0, "createStream", null, expectReply: true)!;
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        CommandReply reply = await WaitAsync(created.Task, "createStream", cancellationToken).ConfigureAwait(false);
        if (!reply.Success || reply.FirstArgument is not double id || id < 0 || id > uint.MaxValue)
        {
            RtmpServerStatus? s = reply.Status;
            string? description = s is null ? null : _url!.Redact(s.Description);
            throw new RtmpException(RtmpErrorKind.PublishRejected, $"server refused createStream{(s is null ? "" : ": " + s.Code + Describe(description))}", s?.Code, description);
        }

        StreamId = (uint)id;
        await EnterSendAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnqueueCommand(ChunkStreamIds.Stream, StreamId, "publish", null, expectReply: false, streamName, "live");
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ExitSend();
        }

        RtmpServerStatus status = await WaitAsync(_publishStatus.Task, "publish", cancellationToken).ConfigureAwait(false);
        if (status.IsError || status.Code != "NetStream.Publish.Start")
        {
            string description = _url!.Redact(status.Description);
            throw new RtmpException(RtmpErrorKind.PublishRejected, $"server refused publish: {status.Code}{Describe(description)}", status.Code, description);
        }

        SessionLog.Publishing(_logger, StreamId);
        return status;
    }

    /// <summary>FCUnpublish and deleteStream, then a graceful close that lets the server read everything we sent.</summary>
    public async Task UnpublishAndCloseAsync(string streamName, TimeSpan lingerTimeout, CancellationToken cancellationToken)
    {
        if (!_receiveLoop.IsCompleted && StreamId != 0)
        {
            try
            {
                await EnterSendAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    EnqueueCommand(ChunkStreamIds.Command, 0, "FCUnpublish", null, expectReply: false, streamName);
                    EnqueueCommand(ChunkStreamIds.Command, 0, "deleteStream", null, expectReply: false, (double)StreamId);
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ExitSend();
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or RtmpException)
            {
                // The connection is already gone; nothing left to say.
            }
        }

        await CloseGracefullyAsync(lingerTimeout).ConfigureAwait(false);
        SessionLog.Closed(_logger);
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

    public ValueTask EnterSendAsync(CancellationToken cancellationToken) => new(_sendLock.WaitAsync(cancellationToken));

    public void ExitSend() => _sendLock.Release();

    /// <summary>Chunks one message into the pending output (caller holds the send lock).</summary>
    public void Enqueue(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlySpan<byte> payload)
    {
        ThrowIfClosed();
        int format = _chunkWriter.Write(_output, chunkStreamId, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload);
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
        int size = _chunkWriter.ChunkSize;
        int count = Math.Max(1, (length + size - 1) / size);
        for (int i = 0; i < count; i++)
        {
            SessionLog.ChunkSent(_chunkLogger, i + 1, count, chunkStreamId, i == 0 ? format : 3, Math.Min(size, length - (i * size)));
        }
    }

    /// <summary>Bytes chunked but not yet flushed (caller holds the send lock).</summary>
    public int PendingBytes => _output.WrittenCount;

    /// <summary>Writes the pending output, and any control replies the receive loop queued, to the transport (caller holds the send lock).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        while (_controls.TryDequeue(out Action<RtmpClientConnection>? control))
        {
            control(this);
        }

        if (_output.WrittenCount == 0)
        {
            return;
        }

        if (_closeReason is not null)
        {
            _output.Clear();
            throw new RtmpException(_closeKind, $"connection lost: {_closeReason}");
        }

        int count = _output.WrittenCount;
        CancellationTokenSource? linked = null;
        _sendTimer.CancelAfter(_settings.SendTimeout);
        CancellationToken token = _sendTimer.Token;
        if (cancellationToken.CanBeCanceled)
        {
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _sendTimer.Token);
            token = linked.Token;
        }

        try
        {
            await _transport.Stream.WriteAsync(_output.WrittenMemory, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _closeReason ??= ex.Message;
            throw new RtmpException(RtmpErrorKind.Disconnected, $"connection lost while sending: {ex.Message}", innerException: ex);
        }
        catch (OperationCanceledException) when (_sendTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _closeReason ??= $"a send did not finish in {_settings.SendTimeout.TotalSeconds:0.#} s (the server stopped reading)";
            throw new RtmpException(RtmpErrorKind.Timeout, _closeReason);
        }
        catch (OperationCanceledException)
        {
            // Part of a chunk may be on the wire: the stream cannot go on from here.
            _closeReason ??= "a send was cancelled part way";
            throw;
        }
        finally
        {
            _output.Clear();
            linked?.Dispose();
            if (!_sendTimer.TryReset())
            {
                _sendTimer.Dispose();
                _sendTimer = new CancellationTokenSource();
            }
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
        // pool only once it has let go of the send lock, and every send after this sees _disposed and stops. The lock
        // itself is not disposed: a waiter on a disposed SemaphoreSlim would never wake.
        bool locked = await _sendLock.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        try
        {
            if (locked)
            {
                _output.Dispose();
                _scratch.Dispose();
                _sendTimer.Dispose();
            }
        }
        finally
        {
            if (locked)
            {
                _sendLock.Release();
            }
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

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 + (2 * RtmpHandshake.PacketSize));
        try
        {
            Stream stream = _transport.Stream;
            RtmpHandshake.WriteC0C1(buffer, 0, _settings.DigestHandshake);
            long sent = System.Diagnostics.Stopwatch.GetTimestamp();
            await stream.WriteAsync(buffer.AsMemory(0, 1 + RtmpHandshake.PacketSize), cancellationToken).ConfigureAwait(false);
            await ReadExactlyAsync(stream, buffer.AsMemory(0, 1 + RtmpHandshake.PacketSize), "S0/S1", cancellationToken).ConfigureAwait(false);
            _handshakeRoundTrip = System.Diagnostics.Stopwatch.GetElapsedTime(sent);
            RtmpHandshake.CheckS0(buffer[0]);
            byte[] c2 = ArrayPool<byte>.Shared.Rent(RtmpHandshake.PacketSize);
            try
            {
                RtmpHandshake.WriteC2(buffer.AsSpan(1, RtmpHandshake.PacketSize), c2, (uint)Environment.TickCount);
                await stream.WriteAsync(c2.AsMemory(0, RtmpHandshake.PacketSize), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(c2);
            }

            await ReadExactlyAsync(stream, buffer.AsMemory(0, RtmpHandshake.PacketSize), "S2", cancellationToken).ConfigureAwait(false);
            _bytesSent = 1 + (2 * RtmpHandshake.PacketSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake: server closed the connection before sending {what}");
        }
        catch (IOException ex)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake failed reading {what}: {ex.Message}", innerException: ex);
        }
    }

    private AmfObject BuildConnectObject(RtmpUrl url, string authParameters)
    {
        var o = new AmfObject()
            .Add("app", url.App + authParameters)
            .Add("type", "nonprivate")
            .Add("flashVer", _settings.FlashVersion)
            .Add("tcUrl", url.TcUrl + authParameters);
        if (_settings.SwfUrl is not null)
        {
            o.Add("swfUrl", _settings.SwfUrl);
        }

        if (_settings.PageUrl is not null)
        {
            o.Add("pageUrl", _settings.PageUrl);
        }

        foreach (KeyValuePair<string, object?> extra in _settings.ExtraConnectProperties ?? [])
        {
            o[extra.Key] = extra.Value;
        }

        return o;
    }

    private TaskCompletionSource<CommandReply>? EnqueueCommand(int chunkStreamId, uint streamId, string name, AmfObject? commandObject, bool expectReply, params object?[] arguments)
    {
        double transaction = 0;
        TaskCompletionSource<CommandReply>? tcs = null;
        if (expectReply)
        {
            tcs = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_pending)
            {
                transaction = _nextTransaction++;
                _pending[transaction] = tcs;
            }
        }

        _scratch.Clear();
        Amf0Writer.WriteString(_scratch, name);
        Amf0Writer.WriteNumber(_scratch, transaction);
        Amf0Writer.WriteValue(_scratch, commandObject);
        foreach (object? argument in arguments)
        {
            Amf0Writer.WriteValue(_scratch, argument);
        }

        Enqueue(chunkStreamId, RtmpMessageType.CommandAmf0, 0, streamId, _scratch.WrittenSpan);
        return tcs;
    }

    private void EnqueueSetChunkSize(int size)
    {
        EnqueueControl(RtmpMessageType.SetChunkSize, (uint)size);
        _chunkWriter.ChunkSize = size;
    }

    private void EnqueueControl(RtmpMessageType type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Enqueue(ChunkStreamIds.Control, type, 0, 0, payload);
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
            await _sendLock.WaitAsync(_closing.Token).ConfigureAwait(false);
            try
            {
                if (!_controls.IsEmpty)
                {
                    await FlushAsync(_closing.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
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

            throw new RtmpException(_closeKind, $"the connection ended while waiting for the reply to {what}{(_closeReason is null ? "" : ": " + _closeReason)}");
        }

        return await task.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        PipeReader reader = PipeReader.Create(_transport.Stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        var received = new List<RtmpMessage>();
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                SequencePosition position = ReadMessages(buffer, received, out long consumed);
                reader.AdvanceTo(position, buffer.End);
                try
                {
                    foreach (RtmpMessage message in received)
                    {
                        await HandleMessageAsync(message).ConfigureAwait(false);
                    }
                }
                finally
                {
                    foreach (RtmpMessage message in received)
                    {
                        message.Dispose();
                    }

                    received.Clear();
                }

                await CountReceivedAsync(consumed).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    _closeReason ??= "server closed the connection";
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            _closeReason ??= "closed";
        }
        catch (RtmpProtocolException ex)
        {
            _closeReason ??= "protocol error: " + ex.Message;
            _closeKind = RtmpErrorKind.Protocol;
            SessionLog.ConnectionLost(_logger, _closeReason);
            throw new RtmpException(RtmpErrorKind.Protocol, "RTMP protocol error from server: " + ex.Message, innerException: ex);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            _closeReason ??= ex.Message;
            SessionLog.ConnectionLost(_logger, _closeReason);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            FailPending(new RtmpException(_closeKind, "connection closed: " + (_closeReason ?? "unknown")));
        }
    }

    /// <summary>Reassembles the whole messages in <paramref name="buffer"/>. Set Chunk Size and Abort take effect
    /// here, before the next chunk is parsed; everything else is collected for <see cref="HandleMessageAsync"/>.</summary>
    private SequencePosition ReadMessages(ReadOnlySequence<byte> buffer, List<RtmpMessage> received, out long consumed)
    {
        var sequence = new SequenceReader<byte>(buffer);
        while (_chunkReader.TryReadMessage(ref sequence, out RtmpMessage message))
        {
            ReadOnlySpan<byte> p = message.Payload;
            switch (message.Header.Type)
            {
                case RtmpMessageType.SetChunkSize when p.Length >= 4:
                    uint size = BinaryPrimitives.ReadUInt32BigEndian(p) & 0x7FFFFFFF;
                    message.Dispose();
                    _chunkReader.SetChunkSize(size);
                    SessionLog.PeerChunkSize(_logger, size);
                    break;
                case RtmpMessageType.Abort when p.Length >= 4:
                    uint abortedStream = BinaryPrimitives.ReadUInt32BigEndian(p);
                    message.Dispose();
                    _chunkReader.Abort((int)Math.Min(abortedStream, ChunkStreamIds.Max));
                    break;
                default:
                    received.Add(message);
                    break;
            }
        }

        consumed = sequence.Consumed;
        return sequence.Position;
    }

    private async Task CountReceivedAsync(long consumed)
    {
        _bytesReceived += consumed;
        if (_peerWindow > 0 && _bytesReceived - _lastAckSent >= _peerWindow)
        {
            _lastAckSent = _bytesReceived;
            uint sequenceNumber = (uint)_bytesReceived;
            await PostControl(c => c.EnqueueControl(RtmpMessageType.Acknowledgement, sequenceNumber)).ConfigureAwait(false);
        }
    }

    private Task HandleMessageAsync(RtmpMessage message)
    {
        ReadOnlySpan<byte> p = message.Payload;
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            SessionLog.MessageReceived(_logger, (int)message.Header.Type, message.ChunkStreamId, message.Header.Length);
        }

        switch (message.Header.Type)
        {
            case RtmpMessageType.Acknowledgement when p.Length >= 4:
                UpdateAcknowledged(BinaryPrimitives.ReadUInt32BigEndian(p));
                return Task.CompletedTask;
            case RtmpMessageType.WindowAcknowledgementSize when p.Length >= 4:
                _peerWindow = Math.Min(BinaryPrimitives.ReadUInt32BigEndian(p), MaxPeerWindow);
                SessionLog.PeerWindow(_logger, _peerWindow);
                return Task.CompletedTask;
            case RtmpMessageType.UserControl when p.Length >= 6 && BinaryPrimitives.ReadUInt16BigEndian(p) == 6:
                uint stamp = BinaryPrimitives.ReadUInt32BigEndian(p[2..]);
                SessionLog.Ping(_logger, stamp);
                return PostControl(c => c.EnqueuePingResponse(stamp));
            case RtmpMessageType.CommandAmf0:
                return HandleCommandAsync(p);
            case RtmpMessageType.CommandAmf3 when p.Length > 0:
                return HandleCommandAsync(p[1..]);
            default:
                // Set Peer Bandwidth is advisory (no publisher we know throttles on it); media and data are not for us.
                return Task.CompletedTask;
        }
    }

    private void EnqueuePingResponse(uint stamp)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 7);
        BinaryPrimitives.WriteUInt32BigEndian(payload[2..], stamp);
        Enqueue(ChunkStreamIds.Control, RtmpMessageType.UserControl, 0, 0, payload);
    }

    private void UpdateAcknowledged(uint sequenceNumber)
    {
        // The server counts bytes modulo 2^32; unwrap against what we have sent.
        long sent = Interlocked.Read(ref _bytesSent);
        long acknowledged = (sent & ~0xFFFFFFFFL) | sequenceNumber;
        if (acknowledged > sent)
        {
            acknowledged -= 1L << 32;
        }

        if (acknowledged >= 0)
        {
            long previous = Interlocked.Exchange(ref _bytesAcknowledged, acknowledged);
            if (acknowledged > previous)
            {
                UplinkMetrics.BytesAcknowledged.Add(acknowledged - previous);
            }
        }
    }

    private Task HandleCommandAsync(ReadOnlySpan<byte> payload)
    {
        string name;
        double transaction;
        object?[] args;
        try
        {
            var r = new Amf0Reader(payload);
            name = r.ReadString();
            transaction = r.IsAtEnd ? 0 : r.ReadValue() as double? ?? 0;
            var list = new List<object?>();
            while (!r.IsAtEnd && list.Count < 16)
            {
                list.Add(r.ReadValue());
            }

            args = [.. list];
        }
        catch (InvalidDataException ex)
        {
            throw new RtmpProtocolException("malformed command: " + ex.Message);
        }

        switch (name)
        {
            case "_result":
            case "_error":
                CompleteTransaction(transaction, name == "_result", args);
                return Task.CompletedTask;
            case "onStatus":
                RtmpServerStatus? status = FindStatus(args);
                if (status is not null)
                {
                    SessionLog.ServerStatus(_logger, status.Level, status.Code, _url?.Redact(status.Description) ?? status.Description);
                    _onServerStatus?.Invoke(status);
                    if (status.Code.StartsWith("NetStream.Publish.", StringComparison.Ordinal) || status.IsError)
                    {
                        _publishStatus.TrySetResult(status);
                    }
                }

                return Task.CompletedTask;
            case "onBWDone":
                // FFmpeg answers with _checkbw; some servers wait for it before going on.
                return PostControl(c => c.EnqueueCommand(ChunkStreamIds.Command, 0, "_checkbw", null, expectReply: false));
            case "close":
                _closeReason ??= "server sent close";
                return Task.CompletedTask;
            default:
                SessionLog.IgnoredCommand(_logger, name);
                return Task.CompletedTask;
        }
    }

    private void CompleteTransaction(double transaction, bool success, object?[] args)
    {
        TaskCompletionSource<CommandReply>? tcs;
        lock (_pending)
        {
            if (!_pending.Remove(transaction, out tcs))
            {
                return;
            }
        }

        AmfObject? commandObject = args.Length > 0 ? args[0] as AmfObject : null;
        object? first = args.Length > 1 ? args[1] : null;
        RtmpServerStatus? status = FindStatus(args);
        tcs.TrySetResult(new CommandReply(success, commandObject, first, status));
    }

    private static RtmpServerStatus? FindStatus(object?[] args)
    {
        for (int i = args.Length - 1; i >= 0; i--)
        {
            if (args[i] is AmfObject o && o.GetString("code") is { } code)
            {
                return new RtmpServerStatus(o.GetString("level") ?? "", code, o.GetString("description") ?? "") { TcUrl = o.GetString("tcUrl") };
            }
        }

        return null;
    }

    private void FailPending(Exception error)
    {
        lock (_pending)
        {
            foreach (TaskCompletionSource<CommandReply> tcs in _pending.Values)
            {
                tcs.TrySetException(error);
            }

            _pending.Clear();
        }

        _publishStatus.TrySetException(error);
        _ = _publishStatus.Task.Exception;
    }

    private static string Describe(string? description) => string.IsNullOrEmpty(description) ? "" : " (" + description + ")";

    private readonly record struct CommandReply(bool Success, AmfObject? CommandObject, object? FirstArgument, RtmpServerStatus? Status);
}
