using System.Buffers.Binary;
using System.Net;
using Uplink.Protocol.Chunks;
using Uplink.Server;

namespace Uplink.Tests.Server;

/// <summary>Clients that misbehave cost the server bounded memory and end with a timeout or a clean close, never a crash.</summary>
public sealed class HostileClientTests : IAsyncLifetime
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(10);
    private readonly ServerTestLogs _logs = new();
    private RtmpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            HandshakeTimeout = TimeSpan.FromSeconds(1),
            IdleTimeout = TimeSpan.FromSeconds(1),
            MaxConnections = 4,
            MaxMessageLength = 0xFFFFFF,
            MaxBufferedBytesPerConnection = 20 * 1024 * 1024,
            LoggerFactory = _logs,
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        // The server must still serve a well-behaved publisher after every attack.
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{_server.Port}/live/after" }))
        {
            try
            {
                await writer.ConnectAsync();
            }
            catch (RtmpException ex)
            {
                Assert.Fail($"a publisher after the attack failed: {ex.Message}\n{_logs.Dump()}");
            }

            await writer.DisconnectAsync();
        }

        await _server.DisposeAsync();
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("failed unexpectedly", StringComparison.Ordinal));
    }

    private async Task AssertClosedAsync(RawRtmpClient client, string reason)
    {
        Assert.True(await client.WaitForCloseAsync(CloseWithin), "the server did not close the connection");
        // The reason is logged as the connection ends, which may be a moment after the client sees the close.
        Assert.True(await _logs.WaitForAsync(reason, CloseWithin), $"expected a close with '{reason}', log:\n{_logs.Dump()}");
    }

    [Fact]
    public async Task Random_bytes_with_a_wrong_version_are_refused_at_once()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        byte[] junk = new byte[4096];
        Random.Shared.NextBytes(junk);
        junk[0] = 0x47; // 'G' as in GET
        await client.SendRawAsync(junk);
        await AssertClosedAsync(client, "client asked for version 71");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_bytes_after_a_valid_handshake_end_in_a_protocol_error_or_timeout(int seed)
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        await client.HandshakeAsync();
        byte[] junk = new byte[64 * 1024];
        new Random(seed).NextBytes(junk);
        try
        {
            await client.SendRawAsync(junk);
        }
        catch (IOException)
        {
            // closed while we were still sending: fine
        }

        Assert.True(await client.WaitForCloseAsync(CloseWithin), "the server did not close the connection");
    }

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(16u * 1024 * 1024)]
    public async Task A_huge_chunk_size_closes_the_connection(uint chunkSize)
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        await client.HandshakeAsync();
        await client.SendControlAsync(RtmpMessageType.SetChunkSize, chunkSize);
        await AssertClosedAsync(client, "protocol error: peer set chunk size");
    }

    [Fact]
    public async Task A_16_MB_message_announced_and_never_sent_times_out_holding_only_what_arrived()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        await client.HandshakeAsync();
        await client.SendControlAsync(RtmpMessageType.SetChunkSize, 4096);

        // One type-0 chunk of a 16 MiB - 1 video message, then silence.
        byte[] chunk = new byte[1 + 11 + 4096];
        chunk[0] = 6;
        chunk[4] = 0xFF;
        chunk[5] = 0xFF;
        chunk[6] = 0xFF;
        chunk[7] = (byte)RtmpMessageType.Video;
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(8), 1);
        await client.SendRawAsync(chunk);
        await AssertClosedAsync(client, "idle timeout");
    }

    [Fact]
    public async Task A_message_longer_than_the_limit_is_refused_when_announced()
    {
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), MaxMessageLength = 64 * 1024, LoggerFactory = _logs });
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.SendMessageAsync(6, RtmpMessageType.Video, 1, new byte[100 * 1024]);
        await AssertClosedAsync(client, "byte message (type 9) on chunk stream 6; the limit is 65536");
    }

    [Fact]
    public async Task Many_partly_sent_messages_are_bounded_per_connection()
    {
        await using var server = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            MaxMessageLength = 1024 * 1024,
            MaxBufferedBytesPerConnection = 2 * 1024 * 1024,
            LoggerFactory = _logs,
        });
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.SendControlAsync(RtmpMessageType.SetChunkSize, 65536);
        try
        {
            // Ten chunk streams, each 900 KB into a 1 MB message: more than 2 MB outstanding.
            for (int stream = 10; stream < 20; stream++)
            {
                for (int k = 0; k < 14; k++)
                {
                    byte[] chunk = k == 0 ? new byte[12 + 65536] : new byte[1 + 65536];
                    if (k == 0)
                    {
                        chunk[0] = (byte)stream;
                        chunk[4] = 0x10; // length 0x100000
                        chunk[7] = (byte)RtmpMessageType.Video;
                    }
                    else
                    {
                        chunk[0] = (byte)(0xC0 | stream);
                    }

                    await client.SendRawAsync(chunk);
                }
            }
        }
        catch (IOException)
        {
        }

        await AssertClosedAsync(client, "bytes of unfinished messages outstanding");
    }

    [Fact]
    public async Task A_malformed_command_closes_the_connection_with_a_protocol_error()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        await client.HandshakeAsync();
        // "connect", then a string that claims 60000 bytes in a 20-byte message.
        byte[] command = [2, 0, 7, .. "connect"u8, 2, 0xEA, 0x60, 1, 2, 3, 4, 5, 6, 7];
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, command);
        await AssertClosedAsync(client, "protocol error: AMF0: string of 60000 bytes");
    }

    [Fact]
    public async Task Commands_before_connect_are_ignored_and_a_reconnect_request_to_a_closed_session_fails_quietly()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        await client.HandshakeAsync();
        await client.SendCommandAsync("publish", 0, 1, null, "early", "live");
        await client.PublishAsync("live", "late");
        await client.DisposeAsync();
        Assert.True(_logs.Contains("command publish ignored"), _logs.Dump());
        Assert.False(await _server.SendReconnectRequestAsync("live", "early"));
    }

    [Fact]
    public async Task A_slow_loris_handshake_is_cut_by_the_handshake_timeout()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        Task<bool> closed = client.WaitForCloseAsync(CloseWithin);
        try
        {
            for (int i = 0; i < 100 && !closed.IsCompleted; i++)
            {
                await client.SendRawAsync(new byte[] { 3 });
                await Task.Delay(100); // the attack itself: one byte at a time
            }
        }
        catch (IOException)
        {
        }

        Assert.True(await closed, "the server did not close the connection");
        Assert.True(await _logs.WaitForAsync("handshake timeout", CloseWithin), _logs.Dump());
    }

    [Fact]
    public async Task Connections_beyond_the_cap_are_closed_on_accept()
    {
        var clients = new List<RawRtmpClient>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var c = await RawRtmpClient.ConnectAsync(_server.Port);
                clients.Add(c);
                await c.HandshakeAsync(); // accepted and served
            }

            await using var extra = await RawRtmpClient.ConnectAsync(_server.Port);
            Assert.True(await extra.WaitForCloseAsync(CloseWithin));
            Assert.True(await _logs.WaitForAsync("connections already open", CloseWithin), _logs.Dump());
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_digest_handshake_is_answered_with_a_signed_S1_and_S2()
    {
        await using var client = await RawRtmpClient.ConnectAsync(_server.Port);
        byte[] c1 = new byte[ServerHandshake.PacketSize];
        byte[] response = await client.HandshakeAsync(digestScheme: 2, c1Out: c1);
        Assert.True(ServerHandshake.VerifyDigestResponse(c1, response.AsSpan(1, ServerHandshake.PacketSize), response.AsSpan(1 + ServerHandshake.PacketSize)));
        await client.PublishAsync("live", "digest");
    }
}
