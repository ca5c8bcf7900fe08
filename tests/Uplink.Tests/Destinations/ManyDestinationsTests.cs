using System.Collections.Concurrent;
using Uplink.Protocol.Chunks;
using Uplink.Tests.Session;

namespace Uplink.Tests.Destinations;

/// <summary>One stream to several servers: each gets the whole stream, and one that refuses, never answers or stops
/// reading fails alone — the others, the writes and the end of the stream go on as if it were not there.</summary>
public class ManyDestinationsTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static RtmpWriterOptions Options(ScriptedRtmpServer first, params RtmpDestinationOptions[] more) => new()
    {
        Url = first.Url(stream: "first-key"),
        Audio = null,
        Destinations = more,
    };

    private static async Task<List<uint>> WriteFramesAsync(RtmpWriter writer, int count, int from = 0)
    {
        IReadOnlyList<byte[]> video = ElementaryStreams.VideoAccessUnits();
        var written = new List<uint>();
        for (int i = from; i < from + count; i++)
        {
            await writer.WriteVideoAsync(video[i % video.Count], Frame * i);
            written.Add((uint)(Frame * i).TotalMilliseconds);
        }

        return written;
    }

    private static List<ReceivedMessage> Frames(ScriptedRtmpServer server) =>
        [.. server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload.Length > 1 && m.Payload[1] == 1)];

    [Fact]
    public async Task Every_destination_gets_the_whole_stream_byte_for_byte()
    {
        await using var a = new ScriptedRtmpServer();
        await using var b = new ScriptedRtmpServer();
        int frames = 2 * ElementaryStreams.VideoAccessUnits().Count;
        await using (var writer = new RtmpWriter(Options(a, new RtmpDestinationOptions { Url = b.Url(stream: "second-key") })))
        {
            await WriteFramesAsync(writer, frames);
            await writer.DisconnectAsync();
            Assert.All(writer.Destinations, d => Assert.Null(d.Failure));
            Assert.All(writer.Destinations, d => Assert.Equal(frames, d.GetStats().VideoFramesSent));
            Assert.Equal(2L * frames, writer.GetStats().VideoFramesSent);
        }

        List<ReceivedMessage> atA = Frames(a);
        List<ReceivedMessage> atB = Frames(b);
        Assert.Equal(frames, atA.Count);
        Assert.Equal(atA.Select(m => m.Timestamp), atB.Select(m => m.Timestamp));
        Assert.All(atA.Zip(atB), pair => Assert.Equal(pair.First.Payload, pair.Second.Payload));
        Assert.Contains("publish", b.Commands);
        Assert.Contains("deleteStream", b.Commands);
    }

    [Fact]
    public async Task A_destination_that_refuses_fails_alone()
    {
        await using var good = new ScriptedRtmpServer();
        await using var refusing = new ScriptedRtmpServer { RefusePublish = ("NetStream.Publish.BadName", "no such stream") };
        var events = new ConcurrentQueue<RtmpWriterStatusChangedEventArgs>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int frames = ElementaryStreams.VideoAccessUnits().Count;
        await using (var writer = new RtmpWriter(Options(good, new RtmpDestinationOptions { Url = refusing.Url(stream: "refused-key"), Name = "refusing" })))
        {
            writer.DestinationStatusChanged += (_, e) =>
            {
                events.Enqueue(e);
                if (e.Destination == "refusing" && e.Status == RtmpWriterStatus.Disconnected)
                {
                    failed.TrySetResult();
                }
            };

            await writer.ConnectAsync();
            await failed.Task.WaitAsync(Patience);
            await WriteFramesAsync(writer, frames);
            Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
            await writer.DisconnectAsync();

            RtmpWriterDestination bad = writer.Destinations.Single(d => d.Name == "refusing");
            Assert.Contains("could not connect", bad.Failure);
            Assert.Null(writer.Destinations[0].Failure);
        }

        Assert.Equal(frames, Frames(good).Count);
        Assert.Empty(Frames(refusing));
        Assert.Contains(events, e => e.Destination == "refusing" && e.Status == RtmpWriterStatus.Disconnected && e.Reason.Contains("no such stream", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Destination is null);
    }

    [Fact]
    public async Task A_destination_that_never_answers_does_not_hold_up_the_start()
    {
        await using var good = new ScriptedRtmpServer();
        await using var silent = new ScriptedRtmpServer { IgnoreConnect = true };
        var options = Options(good, new RtmpDestinationOptions { Url = silent.Url(), Name = "silent", ConnectTimeout = TimeSpan.FromSeconds(30) });
        await using var writer = new RtmpWriter(options);

        // The silent server would hold a write for its whole connect timeout; the stream starts on the first that answers.
        Task connect = writer.ConnectAsync();
        Assert.Same(connect, await Task.WhenAny(connect, Task.Delay(TimeSpan.FromSeconds(15))));
        await connect;
        RtmpWriterDestination waiting = writer.Destinations.Single(d => d.Name == "silent");
        Assert.NotEqual(RtmpWriterStatus.Connected, waiting.Status);
        Assert.Null(waiting.Failure);

        await WriteFramesAsync(writer, 10);
        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }

    [Fact]
    public async Task A_destination_that_stops_reading_is_failed_after_its_send_timeout_and_the_other_gets_everything()
    {
        await using var good = new ScriptedRtmpServer();
        await using var stalled = new ScriptedRtmpServer { StopReadingAfterPublish = true };
        var options = Options(good, new RtmpDestinationOptions
        {
            Url = stalled.Url(),
            Name = "stalled",
            SendTimeout = TimeSpan.FromSeconds(1),
            OutputBufferSize = 64 * 1024,
            Reconnect = new RtmpReconnectOptions(Attempts: 0),
        }) with { OutputBufferSize = 64 * 1024 };
        var gone = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int frames = 0;
        await using (var writer = new RtmpWriter(options))
        {
            writer.DestinationStatusChanged += (_, e) =>
            {
                if (e.Destination == "stalled" && e.Status == RtmpWriterStatus.Disconnected)
                {
                    gone.TrySetResult(e.Reason);
                }
            };

            // Enough to fill the stalled server's socket buffers and the destination's own buffer many times over.
            while (!gone.Task.IsCompleted && frames < 20_000)
            {
                await WriteFramesAsync(writer, 50, frames);
                frames += 50;
            }

            string reason = await gone.Task.WaitAsync(Patience);
            Assert.Contains("stopped reading", reason);
            await WriteFramesAsync(writer, 50, frames);
            frames += 50;
            await writer.DisconnectAsync();
            Assert.NotNull(writer.Destinations.Single(d => d.Name == "stalled").Failure);
            Assert.Null(writer.Destinations[0].Failure);
        }

        Assert.Equal(frames, Frames(good).Count);
    }

    [Fact]
    public async Task When_every_destination_fails_connecting_fails_naming_each()
    {
        await using var a = new ScriptedRtmpServer { RefuseConnect = ("NetConnection.Connect.Rejected", "go away") };
        await using var b = new ScriptedRtmpServer { RefuseConnect = ("NetConnection.Connect.Rejected", "not you either") };
        await using var writer = new RtmpWriter(Options(a, new RtmpDestinationOptions { Url = b.Url(), Name = "b" }));
        RtmpException ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Contains("go away", ex.Message);
        Assert.Contains("b: could not connect", ex.Message);
        Assert.DoesNotContain("first-key", ex.Message);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
    }

    [Fact]
    public async Task A_destination_added_while_streaming_starts_with_the_sequence_header_and_a_keyframe_and_can_be_removed()
    {
        await using var a = new ScriptedRtmpServer();
        await using var b = new ScriptedRtmpServer();
        int gop = ElementaryStreams.VideoAccessUnits().Count;
        await using (var writer = new RtmpWriter(Options(a)))
        {
            await WriteFramesAsync(writer, gop + 3);
            RtmpWriterDestination added = await writer.AddDestinationAsync(new RtmpDestinationOptions { Url = b.Url(stream: "added-key") });
            Assert.Equal(2, writer.Destinations.Count);
            Assert.DoesNotContain("added-key", added.Name);
            await WriteFramesAsync(writer, 2 * gop, gop + 3);
            await writer.RemoveDestinationAsync(added);
            Assert.Single(writer.Destinations);
            await WriteFramesAsync(writer, gop, 3 * gop + 3);
            await writer.DisconnectAsync();
            Assert.Null(added.Failure);
        }

        Assert.Equal((4 * gop) + 3, Frames(a).Count);
        List<ReceivedMessage> atB = [.. b.Media.Where(m => m.Type != RtmpMessageType.DataAmf0)];
        Assert.Equal(0, atB[0].Payload[1]);
        Assert.Equal(0x17, atB[0].Payload[0]);
        ReceivedMessage firstFrame = atB.First(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1);
        Assert.Equal(0x17, firstFrame.Payload[0]);
        Assert.InRange(Frames(b).Count, gop, 2 * gop);
        Assert.Contains("deleteStream", b.Commands);
        Assert.Equal("onMetaData", b.Media.First().Type == RtmpMessageType.DataAmf0 ? "onMetaData" : "missing");
    }

    [Fact]
    public async Task The_last_destination_cannot_be_removed_and_names_are_unique_and_masked()
    {
        await using var a = new ScriptedRtmpServer();
        await using var writer = new RtmpWriter(Options(a, new RtmpDestinationOptions { Url = a.Url(stream: "other-key") }));
        Assert.Equal(2, writer.Destinations.Count);
        Assert.NotEqual(writer.Destinations[0].Name, writer.Destinations[1].Name);
        Assert.All(writer.Destinations, d => Assert.DoesNotContain("key", d.Name));

        await using var alone = new RtmpWriter(new RtmpWriterOptions { Url = a.Url(), Audio = null });
        await Assert.ThrowsAsync<InvalidOperationException>(() => alone.RemoveDestinationAsync(alone.Destinations[0]));
    }

    [Fact]
    public void Destination_settings_are_checked_and_shown_without_secrets()
    {
        var bad = new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/key", Destinations = [new RtmpDestinationOptions { Url = "rtmp://127.0.0.1/live/secret", ChunkSize = 1 }] };
        ArgumentException ex = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("ChunkSize", ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
        Assert.Throws<ArgumentException>(new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/key", Destinations = [new RtmpDestinationOptions { Url = "http://x/y/z" }] }.Validate);
        Assert.DoesNotContain("secret", new RtmpDestinationOptions { Url = "rtmp://u:pw-secret@127.0.0.1/live/secret" }.ToString());
    }
}
