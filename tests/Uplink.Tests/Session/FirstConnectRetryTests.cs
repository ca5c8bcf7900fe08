using System.Net;
using System.Net.Sockets;
using Uplink.Server;
using Uplink.Tests.Server;

namespace Uplink.Tests.Session;

public class FirstConnectRetryTests
{
    private sealed class ShortDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(50);
    }

    [Fact]
    public async Task With_RetryFirstConnect_a_writer_that_starts_before_its_server_connects_once_the_server_is_up()
    {
        int port = FreePort();
        var logs = new ServerTestLogs();
        var options = new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{port}/live/early",
            Audio = null,
            Reconnect = new RtmpReconnectOptions(Attempts: 200) { Policy = new ShortDelay(), RetryFirstConnect = true },
            LoggerFactory = logs,
        };
        await using var writer = new RtmpWriter(options);
        Task connecting = writer.ConnectAsync();

        Assert.True(await logs.WaitForAsync("Connecting failed", TimeSpan.FromSeconds(10)), logs.Dump());
        Assert.False(connecting.IsCompleted);
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, port) });
        await server.StartAsync();

        await connecting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }

    [Fact]
    public async Task Without_it_the_first_connect_fails_at_once()
    {
        var options = new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{FreePort()}/live/early",
            Reconnect = new RtmpReconnectOptions(Attempts: 200) { Policy = new ShortDelay() },
        };
        await using var writer = new RtmpWriter(options);

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.Unreachable, failure.Kind);
    }

    [Fact]
    public async Task A_refusal_is_not_tried_again()
    {
        await using var server = new ScriptedRtmpServer { RefusePublish = ("NetStream.Publish.BadName", "taken") };
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Reconnect = new RtmpReconnectOptions(Attempts: 200) { Policy = new ShortDelay(), RetryFirstConnect = true },
        };
        await using var writer = new RtmpWriter(options);

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.PublishRejected, failure.Kind);
        Assert.Equal(1, server.ConnectionCount);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
