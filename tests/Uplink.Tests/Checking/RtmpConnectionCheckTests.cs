using System.Net;
using Uplink.Server;

namespace Uplink.Tests.Checking;

public sealed class RtmpConnectionCheckTests
{
    private static RtmpServer Server(RtmpServerBehavior? behavior = null) => new(new RtmpServerOptions
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        Behavior = behavior ?? new RtmpServerBehavior(),
    });

    [Fact]
    public async Task Connecting_only_reports_the_server_and_publishes_nothing()
    {
        await using RtmpServer server = Server();
        int sessions = 0;
        server.SessionStarted += (_, _) => Interlocked.Increment(ref sessions);
        await server.StartAsync();

        RtmpConnectionCheckResult result = await RtmpConnectionCheck.RunAsync(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/demo" }, publish: false);

        Assert.False(result.Published);
        Assert.Null(result.PublishStatus);
        Assert.True(result.Server.ConnectTime > TimeSpan.Zero);
        Assert.Equal(0, sessions);
    }

    [Fact]
    public async Task Publishing_reports_the_servers_answer()
    {
        await using RtmpServer server = Server();
        await server.StartAsync();

        RtmpConnectionCheckResult result = await RtmpConnectionCheck.RunAsync(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/demo" }, publish: true);

        Assert.True(result.Published);
        Assert.Equal("NetStream.Publish.Start", result.PublishStatus!.Code);
    }

    [Fact]
    public async Task A_refused_publish_is_an_RtmpException()
    {
        await using RtmpServer server = Server(new RtmpServerBehavior { RefusePublishCode = "NetStream.Publish.Denied" });
        await server.StartAsync();

        var error = await Assert.ThrowsAsync<RtmpException>(() =>
            RtmpConnectionCheck.RunAsync(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/demo" }, publish: true));

        Assert.Contains("NetStream.Publish.Denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_out_of_range_are_refused_before_connecting()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            RtmpConnectionCheck.RunAsync(new RtmpWriterOptions { Url = "rtmp://127.0.0.1:1/live/demo", ChunkSize = 1 }, publish: false));
    }
}
