using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Uplink.Protocol.Amf;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Session;

/// <summary>
/// A scripted RTMP server for the session tests: one connection at a time on 127.0.0.1 with a dynamic
/// port, answering connect/createStream/publish as nginx-rtmp does and recording every message the
/// client sends. Knobs make it refuse, ping, or set its chunk size. Checked against FFmpeg as a client
/// in the integration tests.
/// </summary>
internal sealed class ScriptedRtmpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public ScriptedRtmpServer()
    {
        _listener.Start();
        _accept = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string app = "live", string stream = "test") => $"rtmp://127.0.0.1:{Port}/{app}/{stream}";

    /// <summary>Answer publish with this error status instead of NetStream.Publish.Start.</summary>
    public (string Code, string Description)? RefusePublish { get; set; }

    /// <summary>Answer connect with _error and this status.</summary>
    public (string Code, string Description)? RefuseConnect { get; set; }

    /// <summary>Accept the TCP connection and never answer the handshake.</summary>
    public bool SilentHandshake { get; set; }

    /// <summary>Right after the handshake, send these bytes (garbage, a hostile header, …) instead of behaving.</summary>
    public byte[]? AfterHandshake { get; set; }

    /// <summary>Right after NetStream.Publish.Start, send these bytes (a hostile message while media flows).</summary>
    public byte[]? AfterPublish { get; set; }

    /// <summary>Send everything (handshake included) this many bytes at a time, waiting <see cref="SlowDelay"/> between pieces (0: at once).</summary>
    public int SlowPieceSize { get; set; }

    /// <summary>The wait between pieces when <see cref="SlowPieceSize"/> is set.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How many pieces go (each its own write) between two waits.</summary>
    public int SlowPiecesPerDelay { get; set; } = 1;

    /// <summary>Completes when the client answered a ping request carrying <paramref name="stamp"/>.</summary>
    public Task PongFor(uint stamp) => _pongs.GetOrAdd(stamp, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pongs = new();

    /// <summary>Answer connect with these raw bytes (given the transaction to answer) instead of behaving.</summary>
    public Func<double, byte[]>? ConnectReply { get; set; }

    /// <summary>Answer publish with these raw bytes instead of onStatus.</summary>
    public byte[]? PublishReply { get; set; }

    /// <summary>Answer connect and createStream, never publish.</summary>
    public bool IgnorePublish { get; set; }

    /// <summary>Stop reading once publishing started (a stalled network); the client's writes then block.</summary>
    public bool StopReadingAfterPublish { get; set; }

    /// <summary>Completes when the server stopped reading.</summary>
    public TaskCompletionSource StoppedReading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Never answer connect (a server that hangs after the handshake).</summary>
    public bool IgnoreConnect { get; set; }

    /// <summary>Send a ping request right after connect.</summary>
    public bool PingAfterConnect { get; set; }

    /// <summary>The Window Acknowledgement Size the server announces after connect.</summary>
    public uint WindowAcknowledgementSize { get; set; } = 5_000_000;

    /// <summary>Pings sent after connect (each is 18 bytes on the wire), to make the client acknowledge.</summary>
    public int PingsAfterConnect { get; set; }

    /// <summary>Acknowledge the client's bytes after publish with this sequence number (0: never).</summary>
    public uint AcknowledgeAfterPublish { get; set; }

    /// <summary>Acknowledgement messages the client sent.</summary>
    public IEnumerable<uint> ClientAcknowledgements => Messages.Where(m => m.Type == RtmpMessageType.Acknowledgement).Select(m => BinaryPrimitives.ReadUInt32BigEndian(m.Payload));

    /// <summary>Chunk size the server announces after connect (0: none).</summary>
    public int ServerChunkSize { get; set; } = 4096;

    /// <summary>Close the first connection after this many audio/video messages (0: never); later connections are not dropped.</summary>
    public int DropAfterMediaMessages { get; set; }

    /// <summary>Close every connection after this many audio/video messages on it (0: never), acknowledging nothing
    /// unless <see cref="AcknowledgeBeforeDrop"/>.</summary>
    public int DropEveryConnectionAfterMediaMessages { get; set; }

    /// <summary>Before a drop (<see cref="DropAfterMediaMessages"/>, <see cref="DropEveryConnectionAfterMediaMessages"/>), acknowledge every byte up to the last message kept.</summary>
    public bool AcknowledgeBeforeDrop { get; set; }

    /// <summary>Refuse (close at once) every connection after the first, to make reconnection fail.</summary>
    public bool RefuseLaterConnections { get; set; }

    /// <summary>The description of NetStream.Publish.Start ("Start publishing" is nginx-rtmp's).</summary>
    public string PublishStartDescription { get; set; } = "Publishing started.";

    /// <summary>The stream id createStream answers (a number, as AMF0 has no other).</summary>
    public double CreateStreamId { get; set; } = 1;

    /// <summary>More properties for the connect answer's properties object (an Enhanced RTMP server's codec lists).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ConnectAnswerProperties { get; set; } = [];

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => _connectionCount;

    private int _connectionCount;

    /// <summary>Every message the client sent, in order.</summary>
    public ConcurrentQueue<ReceivedMessage> Messages { get; } = new();

    /// <summary>Completes when a client connection has ended (client closed).</summary>
    public TaskCompletionSource ConnectionEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<uint> PongReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEnumerable<ReceivedMessage> Media => Messages.Where(m => m.Type is RtmpMessageType.Audio or RtmpMessageType.Video or RtmpMessageType.DataAmf0);

    public IEnumerable<string> Commands => Messages.Where(m => m.Type == RtmpMessageType.CommandAmf0).Select(m => m.CommandName!);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
            using var stream = new NetworkStream(socket, ownsSocket: true);
            int connection = Interlocked.Increment(ref _connectionCount);
            if (connection > 1 && RefuseLaterConnections)
            {
                continue;
            }

            try
            {
                await ServeAsync(stream, connection, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
            {
            }
            finally
            {
                ConnectionEnded.TrySetResult();
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream, int connection, CancellationToken ct)
    {
        byte[] c0c1 = new byte[1537];
        await stream.ReadExactlyAsync(c0c1, ct);
        if (SilentHandshake)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        byte[] s = new byte[1 + (2 * 1536)];
        s[0] = 3;
        Random.Shared.NextBytes(s.AsSpan(9, 1528));
        c0c1.AsSpan(1, 1536).CopyTo(s.AsSpan(1537));
        stream.Socket.NoDelay = true;
        await WriteAsync(stream, s, ct);
        await stream.ReadExactlyAsync(new byte[1536], ct);
        if (AfterHandshake is { } hostile)
        {
            await WriteAsync(stream, hostile, ct);
        }

        var reader = new ChunkStreamReader(maxMessageLength: 16 << 20);
        var writer = new ChunkStreamWriter();
        var output = new PooledBufferWriter();
        byte[] buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        long read = 1537 + 1536; // the handshake counts towards acknowledgements
        while (true)
        {
            int n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                return;
            }

            read += n;
            pending.AddRange(buffer.AsSpan(0, n).ToArray());
            long pendingStart = read - pending.Count;
            var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending.ToArray()));
            var received = new List<ReceivedMessage>();
            var ends = new List<long>();
            while (reader.TryReadMessage(ref seq, out RtmpMessage m))
            {
                ends.Add(pendingStart + seq.Consumed);
                using (m)
                {
                    var msg = ReceivedMessage.From(m) with { Connection = connection };
                    if (msg.Type == RtmpMessageType.SetChunkSize)
                    {
                        reader.SetChunkSize(BinaryPrimitives.ReadUInt32BigEndian(msg.Payload));
                    }

                    received.Add(msg);
                }
            }

            pending.RemoveRange(0, (int)seq.Consumed);
            for (int i = 0; i < received.Count; i++)
            {
                ReceivedMessage msg = received[i];
                Messages.Enqueue(msg);
                Respond(msg, writer, output);
                bool dropEvery = DropEveryConnectionAfterMediaMessages > 0
                    && Messages.Count(m => m.Connection == connection && m.Type is RtmpMessageType.Audio or RtmpMessageType.Video) >= DropEveryConnectionAfterMediaMessages;
                if ((connection == 1 && DropAfterMediaMessages > 0 && Messages.Count(m => m.Type is RtmpMessageType.Audio or RtmpMessageType.Video) >= DropAfterMediaMessages) || dropEvery)
                {
                    if (AcknowledgeBeforeDrop)
                    {
                        Control(writer, output, RtmpMessageType.Acknowledgement, (uint)ends[i]);
                        await WriteAsync(stream, output.WrittenMemory, ct);
                    }

                    stream.Socket.Close(0);
                    return;
                }
            }

            if (output.WrittenCount > 0)
            {
                await WriteAsync(stream, output.WrittenMemory, ct);
                output.Clear();
            }

            if (StopReadingAfterPublish && Messages.Any(m => m.CommandName == "publish"))
            {
                stream.Socket.ReceiveBufferSize = 4096;
                StoppedReading.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        }
    }

    private async ValueTask WriteAsync(NetworkStream stream, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        if (SlowPieceSize <= 0)
        {
            await stream.WriteAsync(bytes, ct);
            return;
        }

        for (int at = 0, piece = 1; at < bytes.Length; at += SlowPieceSize, piece++)
        {
            await stream.WriteAsync(bytes.Slice(at, Math.Min(SlowPieceSize, bytes.Length - at)), ct);
            if (piece % SlowPiecesPerDelay == 0)
            {
                await Task.Delay(SlowDelay, ct);
            }
        }
    }

    private void Respond(ReceivedMessage msg, ChunkStreamWriter writer, PooledBufferWriter output)
    {
        if (msg.Type == RtmpMessageType.UserControl && BinaryPrimitives.ReadUInt16BigEndian(msg.Payload) == 7)
        {
            uint stamp = BinaryPrimitives.ReadUInt32BigEndian(msg.Payload.AsSpan(2));
            PongReceived.TrySetResult(stamp);
            _pongs.GetOrAdd(stamp, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return;
        }

        if (msg.Type != RtmpMessageType.CommandAmf0)
        {
            return;
        }

        switch (msg.CommandName)
        {
            case "connect" when IgnoreConnect:
                break;
            case "connect" when ConnectReply is { } reply:
                output.Write(reply(msg.Transaction));
                break;
            case "connect":
                Control(writer, output, RtmpMessageType.WindowAcknowledgementSize, WindowAcknowledgementSize);
                Send(writer, output, 2, RtmpMessageType.SetPeerBandwidth, 0, [0x00, 0x4C, 0x4B, 0x40, 0x02]);
                if (ServerChunkSize > 0)
                {
                    Control(writer, output, RtmpMessageType.SetChunkSize, (uint)ServerChunkSize);
                    writer.ChunkSize = ServerChunkSize;
                }

                if (RefuseConnect is { } refusal)
                {
                    Command(writer, output, 0, "_error", msg.Transaction, null, Status("error", refusal.Code, refusal.Description));
                    break;
                }

                var properties = new AmfObject().Add("fmsVer", "FMS/3,0,1,123").Add("capabilities", 31d);
                foreach (KeyValuePair<string, object?> property in ConnectAnswerProperties)
                {
                    properties.Add(property.Key, property.Value);
                }

                Command(writer, output, 0, "_result", msg.Transaction, properties, Status("status", "NetConnection.Connect.Success", "Connection succeeded."));
                Command(writer, output, 0, "onBWDone", 0, null, null);
                for (int i = 0; i < PingsAfterConnect; i++)
                {
                    Send(writer, output, 2, RtmpMessageType.UserControl, 0, [0, 6, 0, 0, 0, (byte)i]);
                }

                if (PingAfterConnect)
                {
                    byte[] ping = [0, 6, 0x12, 0x34, 0x56, 0x78];
                    Send(writer, output, 2, RtmpMessageType.UserControl, 0, ping);
                }

                break;
            case "releaseStream":
            case "FCPublish":
                Command(writer, output, 0, "_result", msg.Transaction, null, null);
                break;
            case "createStream":
                Command(writer, output, 0, "_result", msg.Transaction, null, CreateStreamId);
                break;
            case "publish" when IgnorePublish:
                break;
            case "publish" when PublishReply is { } publishReply:
                output.Write(publishReply);
                break;
            case "publish":
                AmfObject status = RefusePublish is { } deny
                    ? Status("error", deny.Code, deny.Description)
                    : Status("status", "NetStream.Publish.Start", PublishStartDescription);
                Command(writer, output, 1, "onStatus", 0, null, status);
                if (AcknowledgeAfterPublish > 0)
                {
                    Control(writer, output, RtmpMessageType.Acknowledgement, AcknowledgeAfterPublish);
                }
                else if (DropAfterMediaMessages > 0 || DropEveryConnectionAfterMediaMessages > 0)
                {
                    // A server that acknowledges (nothing yet): what it drops unread in its socket buffer must not count as
                    // delivered, as TCP's figure would for a server that never acknowledges.
                    Control(writer, output, RtmpMessageType.Acknowledgement, 0);
                }

                if (AfterPublish is { } afterPublish && RefusePublish is null)
                {
                    output.Write(afterPublish);
                }

                break;
            default:
                break;
        }
    }

    private static AmfObject Status(string level, string code, string description)
        => new AmfObject().Add("level", level).Add("code", code).Add("description", description);

    private static void Control(ChunkStreamWriter writer, PooledBufferWriter output, RtmpMessageType type, uint value)
    {
        byte[] p = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(p, value);
        Send(writer, output, 2, type, 0, p);
    }

    private static void Command(ChunkStreamWriter writer, PooledBufferWriter output, uint streamId, string name, double transaction, AmfObject? commandObject, object? argument)
    {
        var body = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(body, name);
        Amf0Writer.WriteNumber(body, transaction);
        Amf0Writer.WriteValue(body, commandObject);
        if (argument is not null)
        {
            Amf0Writer.WriteValue(body, argument);
        }

        Send(writer, output, 3, RtmpMessageType.CommandAmf0, streamId, body.WrittenSpan.ToArray());
    }

    private static void Send(ChunkStreamWriter writer, PooledBufferWriter output, int csid, RtmpMessageType type, uint streamId, byte[] payload)
        => writer.Write(output, csid, new RtmpMessageHeader(0, payload.Length, type, streamId), payload);
}

/// <summary>One message the scripted server received, with the command name and arguments decoded for commands.</summary>
internal sealed record ReceivedMessage(int ChunkStreamId, RtmpMessageType Type, uint Timestamp, uint StreamId, byte[] Payload, string? CommandName, double Transaction, object?[] Arguments)
{
    /// <summary>Which connection (1, 2, …) it arrived on.</summary>
    public int Connection { get; init; } = 1;

    public static ReceivedMessage From(in RtmpMessage m)
    {
        byte[] payload = m.Payload.ToArray();
        string? name = null;
        double transaction = 0;
        var args = new List<object?>();
        if (m.Header.Type is RtmpMessageType.CommandAmf0 or RtmpMessageType.DataAmf0)
        {
            var r = new Amf0Reader(payload);
            name = r.ReadString();
            if (m.Header.Type == RtmpMessageType.CommandAmf0)
            {
                transaction = r.ReadNumber();
            }

            while (!r.IsAtEnd)
            {
                args.Add(r.ReadValue());
            }
        }

        return new ReceivedMessage(m.ChunkStreamId, m.Header.Type, m.Header.Timestamp, m.Header.StreamId, payload, name, transaction, [.. args]);
    }
}
