using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Uplink.Protocol.Amf;
using Uplink.Buffers;
using Uplink.Protocol.Chunks;
using Uplink.Server;

namespace Uplink.Tests.Server;

/// <summary>A hand-driven RTMP client for the server tests: raw bytes, handshakes, chunked messages, and reading the server's replies.</summary>
internal sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ChunkStreamWriter _writer = new();
    private readonly ChunkStreamReader _reader = new(maxMessageLength: 1 << 20);
    private readonly PooledBufferWriter _output = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _pending = [];

    private RawRtmpClient(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public NetworkStream Stream { get; }

    /// <summary>The outgoing chunk size; set it after sending Set Chunk Size.</summary>
    public int ChunkSize
    {
        get => _writer.ChunkSize;
        set => _writer.ChunkSize = value;
    }

    public static async Task<RawRtmpClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawRtmpClient(socket);
    }

    /// <summary>C0+C1 (simple, or signed at scheme 1/2), reads S0+S1+S2, sends C2; returns S0S1S2.</summary>
    public async Task<byte[]> HandshakeAsync(int digestScheme = 0, byte[]? c1Out = null)
    {
        byte[] c0c1 = new byte[1 + ServerHandshake.PacketSize];
        c0c1[0] = 3;
        if (digestScheme == 0)
        {
            Random.Shared.NextBytes(c0c1.AsSpan(9));
        }
        else
        {
            ServerHandshake.WriteDigestC1(c0c1.AsSpan(1), digestScheme);
        }

        c0c1.AsSpan(1).CopyTo(c1Out ?? new byte[ServerHandshake.PacketSize]);
        await Stream.WriteAsync(c0c1);
        byte[] response = new byte[ServerHandshake.ResponseSize];
        await Stream.ReadExactlyAsync(response).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Stream.WriteAsync(response.AsMemory(1, ServerHandshake.PacketSize));
        return response;
    }

    public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes) => Stream.WriteAsync(bytes);

    public async Task SendMessageAsync(int chunkStreamId, RtmpMessageType type, uint streamId, ReadOnlyMemory<byte> payload, uint timestamp = 0)
    {
        _output.Clear();
        _writer.Write(_output, chunkStreamId, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload.Span);
        await Stream.WriteAsync(_output.WrittenMemory);
    }

    /// <summary>The chunks of one message, to send only part of them.</summary>
    public byte[] Chunked(int chunkStreamId, RtmpMessageType type, uint streamId, ReadOnlySpan<byte> payload, uint timestamp = 0)
    {
        _output.Clear();
        _writer.Write(_output, chunkStreamId, new RtmpMessageHeader(timestamp, payload.Length, type, streamId), payload);
        return _output.WrittenSpan.ToArray();
    }

    /// <summary>Ends the connection with a reset (no FIN), as a crashed or cut publisher does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public Task SendControlAsync(RtmpMessageType type, uint value)
    {
        byte[] payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        return SendMessageAsync(2, type, 0, payload);
    }

    public Task SendCommandAsync(string name, double transaction, uint streamId, params object?[] args)
    {
        using var body = new PooledBufferWriter();
        Amf0Writer.WriteString(body, name);
        Amf0Writer.WriteNumber(body, transaction);
        foreach (object? a in args)
        {
            Amf0Writer.WriteValue(body, a);
        }

        return SendMessageAsync(streamId == 0 ? 3 : 8, RtmpMessageType.CommandAmf0, streamId, body.WrittenSpan.ToArray());
    }

    /// <summary>connect to <paramref name="app"/>, createStream, publish; returns after NetStream.Publish.Start.</summary>
    public async Task PublishAsync(string app, string stream)
    {
        await SendCommandAsync("connect", 1, 0, new AmfObject().Add("app", app).Add("tcUrl", "rtmp://127.0.0.1/" + app));
        await ReadCommandAsync("_result");
        await SendCommandAsync("createStream", 2, 0, [null]);
        await ReadCommandAsync("_result");
        await SendCommandAsync("publish", 0, 1, null, stream, "live");
        var status = await ReadCommandAsync("onStatus");
        Assert.Equal("NetStream.Publish.Start", (status[^1] as AmfObject)?.GetString("code"));
    }

    /// <summary>Reads messages until a command named <paramref name="name"/> arrives; returns its values after the name.</summary>
    public async Task<object?[]> ReadCommandAsync(string name)
    {
        while (true)
        {
            (RtmpMessageType type, byte[] payload) = await ReadMessageAsync();
            if (type != RtmpMessageType.CommandAmf0)
            {
                continue;
            }

            var r = new Amf0Reader(payload);
            if (r.ReadString() != name)
            {
                continue;
            }

            var values = new List<object?>();
            while (!r.IsAtEnd)
            {
                values.Add(r.ReadValue());
            }

            return [.. values];
        }
    }

    public async Task<(RtmpMessageType Type, byte[] Payload)> ReadMessageAsync()
    {
        while (true)
        {
            if (TryParse(out RtmpMessageType type, out byte[] payload))
            {
                if (type == RtmpMessageType.SetChunkSize)
                {
                    _reader.SetChunkSize(BinaryPrimitives.ReadUInt32BigEndian(payload));
                }

                return (type, payload);
            }

            int n = await Stream.ReadAsync(_buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0)
            {
                throw new EndOfStreamException("server closed the connection");
            }

            _pending = [.. _pending, .. _buffer.AsSpan(0, n)];
        }
    }

    /// <summary>Reads and discards until the server closes (true) or <paramref name="timeout"/> passes (false).</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await Stream.ReadAsync(_buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _output.Dispose();
    }

    private bool TryParse(out RtmpMessageType type, out byte[] payload)
    {
        var seq = new SequenceReader<byte>(new ReadOnlySequence<byte>(_pending));
        bool ok = _reader.TryReadMessage(ref seq, out RtmpMessage message);
        _pending = _pending[(int)seq.Consumed..];
        type = ok ? message.Header.Type : default;
        payload = ok ? message.Payload.ToArray() : [];
        if (ok)
        {
            message.Dispose();
        }

        return ok;
    }
}
