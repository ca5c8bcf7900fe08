using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Uplink.Protocol.Chunks;
using Uplink.Server;

namespace Uplink.Tests.Server;

/// <summary><see cref="RtmpServerOptions.PublishHandlerFactory"/> and <see cref="RtmpServerOptions.MaxPublishes"/>.</summary>
public sealed class PublishHandlerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static RtmpServerOptions Options(Func<PublishSessionInfo, IRtmpPublishHandler?> factory) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        PublishHandlerFactory = factory,
    };

    private static Task<PublishSessionSummary> NextEnd(RtmpServer server)
    {
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        return ended.Task.WaitAsync(Wait);
    }

    private static byte[] Tag(byte type, uint timestamp, byte[] body)
    {
        byte[] tag = new byte[11 + body.Length + 4];
        tag[0] = type;
        tag[1] = (byte)(body.Length >> 16);
        tag[2] = (byte)(body.Length >> 8);
        tag[3] = (byte)body.Length;
        tag[4] = (byte)(timestamp >> 16);
        tag[5] = (byte)(timestamp >> 8);
        tag[6] = (byte)timestamp;
        tag[7] = (byte)(timestamp >> 24);
        body.CopyTo(tag, 11);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(11 + body.Length), (uint)(11 + body.Length));
        return tag;
    }

    [Fact]
    public async Task The_handler_gets_every_message_in_order_aggregates_split_AMF3_data_without_its_byte_then_the_end_before_SessionEnded()
    {
        var handler = new RecordingHandler();
        PublishSessionInfo? seen = null;
        await using var server = new RtmpServer(Options(info => { seen = info; return handler; }));
        var order = new ConcurrentQueue<string>();
        handler.Ended += () => order.Enqueue("handler end");
        server.SessionEnded += (_, _) => order.Enqueue("SessionEnded");
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("live", "hooked");

        await client.SendMessageAsync(4, RtmpMessageType.Video, 1, new byte[] { 0x17, 0, 0, 0, 0, 1, 2 }, 0);
        await client.SendMessageAsync(4, RtmpMessageType.Audio, 1, new byte[] { 0xAF, 1, 9 }, 10);
        await client.SendMessageAsync(5, RtmpMessageType.DataAmf3, 1, new byte[] { 0, 2, 0, 1, (byte)'x' }, 20);
        byte[] aggregate = [.. Tag(9, 5000, [0x27, 1, 0, 0, 0, 1]), .. Tag(8, 5010, [0xAF, 1, 7])];
        await client.SendMessageAsync(4, RtmpMessageType.Aggregate, 1, aggregate, 100);
        await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);

        PublishSessionSummary summary = await ended;
        Assert.Equal(("live", "hooked"), (seen?.App, seen?.StreamName));
        Assert.Equal(
            [
                (RtmpMessageType.Video, 0u, "17-00-00-00-00-01-02"),
                (RtmpMessageType.Audio, 10u, "AF-01-09"),
                (RtmpMessageType.DataAmf0, 20u, "02-00-01-78"),
                (RtmpMessageType.Video, 100u, "27-01-00-00-00-01"),
                (RtmpMessageType.Audio, 110u, "AF-01-07"),
            ],
            handler.Messages);
        Assert.Same(summary, handler.Summary);
        Assert.Equal(["handler end", "SessionEnded"], order);
    }

    [Fact]
    public async Task A_throwing_handler_ends_the_publish_with_its_reason_and_the_server_takes_the_next()
    {
        int calls = 0;
        await using var server = new RtmpServer(Options(_ => Interlocked.Increment(ref calls) == 1 ? new RecordingHandler { Throw = true } : new RecordingHandler()));
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using (var client = await RawRtmpClient.ConnectAsync(server.Port))
        {
            await client.HandshakeAsync();
            await client.PublishAsync("live", "boom");
            await client.SendMessageAsync(4, RtmpMessageType.Video, 1, new byte[] { 0x17, 0, 0, 0, 0, 1, 2 }, 0);
            PublishSessionSummary summary = await ended;
            Assert.Equal("the publish handler failed: handler broke", summary.EndReason);
        }

        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/next" });
        await writer.ConnectAsync();
        await writer.DisconnectAsync();
    }

    [Fact]
    public async Task A_throwing_factory_refuses_the_publish_with_Publish_Failed()
    {
        string recordings = Directory.CreateTempSubdirectory("uplink-handler-").FullName;
        await using var server = new RtmpServer(Options(_ => throw new InvalidOperationException("no")) with { RecordDirectory = recordings });
        await server.StartAsync();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/refused" });
        var refused = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal("NetStream.Publish.Failed", refused.StatusCode);
        Assert.Empty(server.ActiveSessions);
        Assert.Empty(Directory.GetFiles(recordings, "*", SearchOption.AllDirectories)); // the publish never started: no recording
        Directory.Delete(recordings, recursive: true);
    }

    [Fact]
    public async Task MaxPublishes_refuses_one_more_with_Publish_Denied_until_the_first_handler_has_ended()
    {
        var endGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RtmpServer(Options(_ => new RecordingHandler { EndGate = endGate.Task, EndStarted = endStarted }) with { MaxPublishes = 1 });
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var first = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/one" });
        await first.ConnectAsync();
        await using (var second = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/two" }))
        {
            var refused = await Assert.ThrowsAsync<RtmpException>(() => second.ConnectAsync());
            Assert.Equal("NetStream.Publish.Denied", refused.StatusCode);
            Assert.Contains("takes 1 publish at a time and one is in progress", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("live/one", refused.Message, StringComparison.Ordinal);
        }

        Task disconnect = first.DisconnectAsync();
        await endStarted.Task.WaitAsync(Wait);
        await using (var third = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/three" }))
        {
            var refused = await Assert.ThrowsAsync<RtmpException>(() => third.ConnectAsync());
            Assert.Equal("NetStream.Publish.Denied", refused.StatusCode);
        }

        endGate.SetResult();
        await ended;
        await disconnect;
        await using var fourth = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/four" });
        await fourth.ConnectAsync();
        await fourth.DisconnectAsync();
    }

    private sealed class RecordingHandler : IRtmpPublishHandler
    {
        public List<(RtmpMessageType, uint, string)> Messages { get; } = [];

        public PublishSessionSummary? Summary { get; private set; }

        public bool Throw { get; init; }

        public Task EndGate { get; init; } = Task.CompletedTask;

        public TaskCompletionSource? EndStarted { get; init; }

        public event Action? Ended;

        public async ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            await Task.Yield(); // the body must stay valid across an await
            if (Throw)
            {
                throw new InvalidOperationException("handler broke");
            }

            Messages.Add((type, timestamp, Convert.ToHexString(body.Span).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + "-" + b)));
        }

        public async ValueTask OnEndAsync(PublishSessionSummary summary)
        {
            EndStarted?.TrySetResult();
            await EndGate;
            Summary = summary;
            Ended?.Invoke();
        }
    }
}
