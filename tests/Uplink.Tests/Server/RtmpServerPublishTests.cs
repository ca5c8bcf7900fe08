using System.Buffers.Binary;
using System.Net;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;
using Uplink.Media;
using Uplink.Server;
using Uplink.Tests.Session;

namespace Uplink.Tests.Server;

public sealed class RtmpServerPublishTests : IDisposable
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-server-unit-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    private RtmpServerOptions Options(RtmpServerBehavior? behavior = null) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        RecordDirectory = _recordings,
        Behavior = behavior ?? new RtmpServerBehavior(),
    };

    private static TimeSpan AudioTime(int i) => TimeSpan.FromTicks(i * 1024L * TimeSpan.TicksPerSecond / 48000);

    private static async Task PublishAllAsync(RtmpWriter writer, IReadOnlyList<byte[]> video, IReadOnlyList<byte[]> audio)
    {
        int a = 0;
        for (int v = 0; v < video.Count; v++)
        {
            TimeSpan dts = Frame * v;
            while (a < audio.Count && AudioTime(a) <= dts)
            {
                await writer.WriteAudioAsync(audio[a], AudioTime(a));
                a++;
            }

            await writer.WriteVideoAsync(video[v], dts, dts + (Frame * 2));
        }

        for (; a < audio.Count; a++)
        {
            await writer.WriteAudioAsync(audio[a], AudioTime(a));
        }
    }

    private static Task<PublishSessionSummary> NextEnd(RtmpServer server)
    {
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        return ended.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_librarys_writer_publishes_and_the_summary_and_recording_hold_every_frame()
    {
        await using var server = new RtmpServer(Options());
        var started = new TaskCompletionSource<PublishSessionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionStarted += (_, s) => started.TrySetResult(s);
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        Assert.NotEqual(0, server.Port);
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();

        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/demo" }))
        {
            await writer.ConnectAsync();
            await PublishAllAsync(writer, video, audio);
            await writer.DisconnectAsync();
        }

        PublishSessionInfo info = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        PublishSessionSummary summary = await ended;
        Assert.Equal(("live", "demo"), (info.App, info.StreamName));
        Assert.Equal(info.RecordingPath, summary.RecordingPath);
        Assert.Equal("unpublished", summary.EndReason);
        Assert.Equal(video.Count, summary.VideoFrames);
        Assert.Equal(audio.Count, summary.AudioFrames);
        Assert.Equal("H.264", summary.Video?.Codec);
        Assert.True(summary.Video!.Width > 0 && summary.Video.Height > 0, summary.Video.ToString());
        Assert.Equal("AAC", summary.Audio?.Codec);
        Assert.Equal(48000, summary.Audio!.SampleRate);
        Assert.Equal(Frame, summary.LargestVideoGap);
        Assert.True(summary.Bytes > video.Sum(v => v.Length), $"{summary.Bytes} bytes");
        Assert.True(summary.Ended >= summary.Started);

        await using var file = File.OpenRead(summary.RecordingPath!);
        await using var reader = await FlvReader.OpenAsync(file);
        long videoFrames = 0, audioFrames = 0;
        TimeSpan? first = null;
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            first ??= f.Dts;
            if (!f.IsConfiguration)
            {
                _ = f.Track == MediaTrack.Video ? videoFrames++ : audioFrames++;
            }
        }

        Assert.Equal(video.Count, videoFrames);
        Assert.Equal(audio.Count, audioFrames);
        Assert.Equal(TimeSpan.Zero, first);
        Assert.False(reader.Metadata.IsEmpty, "onMetaData was not recorded");
    }

    [Fact]
    public async Task A_second_publisher_of_the_same_stream_gets_BadName_and_the_name_is_free_again_afterwards()
    {
        await using var server = new RtmpServer(Options() with { RecordDirectory = null });
        var refusals = new TaskCompletionSource<PublishRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PublishRefused += (_, r) => refusals.TrySetResult(r);
        await server.StartAsync();
        string url = $"rtmp://127.0.0.1:{server.Port}/live/same";
        await using (var first = new RtmpWriter(new RtmpWriterOptions { Url = url }))
        {
            await first.ConnectAsync();
            await using var second = new RtmpWriter(new RtmpWriterOptions { Url = url });
            var refused = await Assert.ThrowsAsync<RtmpException>(() => second.ConnectAsync());
            Assert.Equal("NetStream.Publish.BadName", refused.StatusCode);
            Assert.Single(server.ActiveSessions);
            var refusal = await refusals.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(("live", "same", "NetStream.Publish.BadName"), (refusal.App, refusal.StreamName, refusal.Reason));
            await first.DisconnectAsync();
        }

        await using var third = new RtmpWriter(new RtmpWriterOptions { Url = url });
        await third.ConnectAsync();
        await third.DisconnectAsync();
    }

    [Fact]
    public async Task The_refuse_publish_knob_answers_publish_with_that_code()
    {
        await using var server = new RtmpServer(Options(new RtmpServerBehavior { RefusePublishCode = "NetStream.Publish.Denied", RefusePublishDescription = "not today" }));
        await server.StartAsync();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/x" });
        var refused = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal("NetStream.Publish.Denied", refused.StatusCode);
        Assert.Empty(Directory.GetFiles(_recordings, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rtmp://127.0.0.1:1936/live")]
    public async Task A_reconnect_request_reaches_the_publisher_with_or_without_a_tcUrl(string? tcUrl)
    {
        await using var server = new RtmpServer(Options() with { RecordDirectory = null });
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("live", "x");

        Assert.True(await server.SendReconnectRequestAsync("live", "x", tcUrl));
        Assert.False(await server.SendReconnectRequestAsync("live", "nobody"));

        object?[] status = await client.ReadCommandAsync("onStatus");
        var info = Assert.IsType<AmfObject>(status[^1]);
        Assert.Equal("status", info.GetString("level"));
        Assert.Equal("NetConnection.Connect.ReconnectRequest", info.GetString("code"));
        Assert.Equal(tcUrl, info.GetString("tcUrl"));
        Assert.Equal(tcUrl is not null, info.TryGet("tcUrl", out _));
    }

    [Fact]
    public async Task The_writer_sees_the_reconnect_request_as_a_server_status()
    {
        await using var server = new RtmpServer(Options() with { RecordDirectory = null });
        await server.StartAsync();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/x" });
        var seen = new TaskCompletionSource<RtmpServerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.ServerStatusReceived += (_, s) =>
        {
            if (s.Code == "NetConnection.Connect.ReconnectRequest")
            {
                seen.TrySetResult(s);
            }
        };
        await writer.ConnectAsync();
        Assert.True(await server.SendReconnectRequestAsync("live", "x", description: "moving"));
        Assert.Equal("moving", (await seen.Task.WaitAsync(TimeSpan.FromSeconds(10))).Description);
    }

    [Fact]
    public async Task The_drop_knob_cuts_the_connection_after_that_many_bytes()
    {
        await using var server = new RtmpServer(Options(new RtmpServerBehavior { DropAfterBytes = 20_000 }));
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("live", "x");
        byte[] frame = new byte[1000];
        frame[0] = 0x27;
        frame[1] = 1;
        try
        {
            for (uint i = 0; i < 100; i++)
            {
                await client.SendMessageAsync(6, RtmpMessageType.Video, 1, frame, i * 40);
            }
        }
        catch (IOException)
        {
            // the server reset the connection, as asked
        }

        PublishSessionSummary summary = await ended;
        Assert.Equal("dropped", summary.EndReason);
        Assert.InRange(summary.Bytes, 20_000, 20_000 + (64 * 1024));
        Assert.True(summary.VideoFrames < 100);
    }

    [Fact]
    public async Task The_stall_knob_stops_reading_without_an_idle_timeout_until_reading_resumes()
    {
        var logs = new ServerTestLogs();
        await using var server = new RtmpServer(Options() with { RecordDirectory = null, IdleTimeout = TimeSpan.FromSeconds(1.5), LoggerFactory = logs });
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        try
        {
            await client.PublishAsync("live", "x");
        }
        catch (EndOfStreamException)
        {
            Assert.Fail(logs.Dump());
        }

        Assert.True(server.SetReading("live", "x", reading: false));

        byte[] frame = new byte[60_000];
        frame[0] = 0x27;
        frame[1] = 1;
        Task sending = Task.Run(async () =>
        {
            for (uint i = 0; i < 200; i++)
            {
                await client.SendMessageAsync(6, RtmpMessageType.Video, 1, frame, i * 40);
            }
        });

        // 12 MB cannot fit the socket buffers of a reader that stopped: the sender blocks.
        // Stalled for twice the idle timeout: the sender stays blocked and the session stays open.
        Task first = await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(3)));
        Assert.NotSame(sending, first);
        Assert.False(ended.IsCompleted, "the stalled session was closed");

        Assert.True(server.SetReading("live", "x", reading: true));
        await sending.WaitAsync(TimeSpan.FromSeconds(20));
        await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
        PublishSessionSummary summary = await ended;
        Assert.Equal(200, summary.VideoFrames);
        Assert.Equal("unpublished", summary.EndReason);
    }

    [Fact]
    public async Task The_server_acknowledges_per_the_clients_window_and_follows_its_chunk_size()
    {
        await using var server = new RtmpServer(Options() with { RecordDirectory = null });
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("live", "x");
        await client.SendControlAsync(RtmpMessageType.WindowAcknowledgementSize, 10_000);
        await client.SendControlAsync(RtmpMessageType.SetChunkSize, 65536);
        client.ChunkSize = 65536;
        byte[] frame = new byte[30_000];
        frame[0] = 0x27;
        frame[1] = 1;
        for (uint i = 0; i < 3; i++)
        {
            await client.SendMessageAsync(6, RtmpMessageType.Video, 1, frame, i * 40);
        }

        // Acknowledgements come every 10,000 bytes or more; one must cover the first two frames.
        uint acknowledged = 0;
        while (acknowledged < 60_000)
        {
            (RtmpMessageType type, byte[] payload) = await client.ReadMessageAsync();
            if (type == RtmpMessageType.Acknowledgement)
            {
                uint sequence = BinaryPrimitives.ReadUInt32BigEndian(payload);
                Assert.True(sequence >= acknowledged + 10_000, $"acknowledgement {sequence} after {acknowledged}");
                acknowledged = sequence;
            }
        }

        await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
        Assert.Equal(3, (await ended).VideoFrames);
    }

    [Fact]
    public async Task Aggregate_messages_are_split_into_their_tags()
    {
        await using var server = new RtmpServer(Options());
        Task<PublishSessionSummary> ended = NextEnd(server);
        await server.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("live", "agg");

        static byte[] Tag(byte type, uint timestamp, byte[] body)
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

        byte[] aggregate = [.. Tag(9, 5000, [0x27, 1, 0, 0, 0, 1]), .. Tag(8, 5010, [0xAF, 1, 7]), .. Tag(9, 5040, [0x27, 1, 0, 0, 0, 2])];
        await client.SendMessageAsync(4, RtmpMessageType.Aggregate, 1, aggregate, 100);
        await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);

        PublishSessionSummary summary = await ended;
        Assert.Equal((2, 1), (summary.VideoFrames, summary.AudioFrames));
        Assert.Equal(TimeSpan.FromMilliseconds(40), summary.LargestVideoGap);
        byte[] file = File.ReadAllBytes(summary.RecordingPath!);
        Assert.Equal(13 + aggregate.Length, file.Length);
    }

    [Fact]
    public async Task Several_publishers_at_once_each_get_their_own_session_and_recording()
    {
        await using var server = new RtmpServer(Options());
        var summaries = new System.Collections.Concurrent.ConcurrentBag<PublishSessionSummary>();
        var allEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) =>
        {
            summaries.Add(s);
            if (summaries.Count == 3)
            {
                allEnded.TrySetResult();
            }
        };
        await server.StartAsync();
        var video = ElementaryStreams.VideoAccessUnits();
        var audio = ElementaryStreams.AdtsFrames();

        await Task.WhenAll(Enumerable.Range(1, 3).Select(async n =>
        {
            await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/cam{n}" });
            await writer.ConnectAsync();
            await PublishAllAsync(writer, video, audio);
            await writer.DisconnectAsync();
        }));

        await allEnded.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(["cam1", "cam2", "cam3"], summaries.Select(s => s.StreamName).Order());
        Assert.All(summaries, s => Assert.Equal((video.Count, audio.Count), (s.VideoFrames, s.AudioFrames)));
        Assert.Equal(3, summaries.Select(s => s.RecordingPath).Distinct().Count(p => p is not null && File.Exists(p)));
    }
}
