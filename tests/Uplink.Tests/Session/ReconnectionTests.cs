using Uplink.Protocol.Chunks;

namespace Uplink.Tests.Session;

public class ReconnectionTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    private sealed class NoDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(10);
    }

    [Theory]
    [InlineData(0, RtmpReconnectTimestamps.Continue)]
    [InlineData(1 << 20, RtmpReconnectTimestamps.Continue)]
    [InlineData(0, RtmpReconnectTimestamps.Restart)]
    [InlineData(1 << 20, RtmpReconnectTimestamps.Restart)]
    public async Task A_dropped_connection_is_restored_while_the_caller_keeps_writing_and_no_frame_is_lost(int outputBufferSize, RtmpReconnectTimestamps timestamps)
    {
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 5 };
        var statuses = new List<RtmpWriterStatus>();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = ElementaryStreams.VideoAccessUnits();
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            Reconnect = new RtmpReconnectOptions(Attempts: 3) { Policy = new NoDelay(), Timestamps = timestamps },
            OutputBufferSize = outputBufferSize,
        };
        await using (var writer = new RtmpWriter(options))
        {
            writer.StatusChanged += (_, e) =>
            {
                lock (statuses)
                {
                    statuses.Add(e.Status);
                    if (statuses.Count(s => s == RtmpWriterStatus.Connected) == 2)
                    {
                        reconnected.TrySetResult();
                    }
                }
            };

            // Write every frame without pausing; the drop happens part way and must not reach the caller.
            for (int round = 0; round < 3; round++)
            {
                for (int v = 0; v < video.Count; v++)
                {
                    TimeSpan dts = Frame * ((round * video.Count) + v);
                    await writer.WriteVideoAsync(video[v], dts, dts);
                }
            }

            await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await writer.DisconnectAsync();
            RtmpWriterStats stats = writer.GetStats();
            Assert.Equal(1, stats.Reconnects);

            // Written, re-sent and sent are counted apart: every frame went out at least once, the replay's part twice.
            Assert.Equal(3 * video.Count, stats.VideoFramesWritten);
            Assert.True(stats.VideoFramesResent > 0, "the replay after the reconnect re-sent nothing");
            Assert.Equal(3 * video.Count, stats.VideoFramesSent - stats.VideoFramesResent);

            // The stats tell the stream's time, whatever the second connection's timestamps.
            Assert.Equal(Frame * ((3 * video.Count) - 1), stats.LastTimestamp);
        }

        lock (statuses)
        {
            Assert.Equal([RtmpWriterStatus.Connected, RtmpWriterStatus.Reconnecting, RtmpWriterStatus.Connected, RtmpWriterStatus.Disconnected], statuses);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = server.Media.Where(m => m.Connection == 2).ToList();

        // The second connection starts like a stream: metadata, sequence header, then a keyframe.
        Assert.Equal("@setDataFrame", second[0].CommandName);
        Assert.Equal(new byte[] { 0x17, 0x00 }, second[1].Payload[..2]);
        Assert.Equal(0x17, second.First(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).Payload[0]);

        int total = 3 * video.Count;
        var secondFrames = second.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).Select(m => m.Timestamp).ToList();
        if (timestamps == RtmpReconnectTimestamps.Continue)
        {
            // Every frame written reached the server on one connection or the other, with its own timestamp (no jump back to 0).
            var received = server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).Select(m => m.Timestamp).ToHashSet();
            for (int i = 0; i < total; i++)
            {
                Assert.Contains((uint)(40 * i), received);
            }

            Assert.Equal(secondFrames.Order(), secondFrames);
            Assert.True(secondFrames[^1] == (uint)(40 * (total - 1)), $"last frame at {secondFrames[^1]}");
        }
        else
        {
            // The second connection starts again one frame interval in and runs to the end without a gap; it starts no later
            // than the frame after the first connection's last, so together they hold every frame.
            Assert.Equal(Enumerable.Range(1, secondFrames.Count).Select(i => (uint)(40 * i)), secondFrames);
            var firstFrames = server.Media.Where(m => m.Connection == 1 && m.Type == RtmpMessageType.Video && m.Payload[1] == 1).Select(m => m.Timestamp).ToList();
            Assert.Equal(Enumerable.Range(0, firstFrames.Count).Select(i => (uint)(40 * i)), firstFrames);
            Assert.True(total - secondFrames.Count <= firstFrames.Count, $"{firstFrames.Count} frames on the first connection, {secondFrames.Count} on the second, {total} written");
        }
    }

    [Fact]
    public async Task When_every_attempt_fails_the_writer_gives_up_says_so_and_writes_fail_clearly()
    {
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 3, RefuseLaterConnections = true };
        var gaveUp = new TaskCompletionSource<RtmpWriterStatusChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            Reconnect = new RtmpReconnectOptions(Attempts: 2) { Policy = new NoDelay() },
        };
        await using var writer = new RtmpWriter(options);
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                gaveUp.TrySetResult(e);
            }
        };

        var video = ElementaryStreams.VideoAccessUnits();
        for (int v = 0; v < video.Count; v++)
        {
            await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
        }

        RtmpWriterStatusChangedEventArgs end = await gaveUp.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("gave up reconnecting after 2 attempts", end.Reason, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<RtmpException>(async () => await writer.WriteVideoAsync(video[0], Frame * 100, Frame * 100));
        Assert.Contains("gave up reconnecting", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.ConnectionCount);
    }

    private sealed class LongDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromHours(1);
    }

    [Fact]
    public async Task Disconnecting_while_reconnecting_waits_for_the_connection_stops_the_attempts_at_the_close_timeout_and_says_what_was_lost()
    {
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 3 };
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            CloseTimeout = TimeSpan.FromMilliseconds(300),
            Reconnect = new RtmpReconnectOptions(Attempts: 5) { Policy = new LongDelay() },
        };
        await using var writer = new RtmpWriter(options);
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Reconnecting)
            {
                reconnecting.TrySetResult();
            }
            else if (e.Status == RtmpWriterStatus.Disconnected)
            {
                disconnected.TrySetResult(e.Reason);
            }
        };

        var video = ElementaryStreams.VideoAccessUnits();
        for (int v = 0; v < video.Count; v++)
        {
            await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
        }

        await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var lost = await Assert.ThrowsAsync<RtmpException>(() => writer.DisconnectAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"gave up after {stopwatch.Elapsed.TotalMilliseconds:0} ms, before the close timeout");
        Assert.Matches(@"while reconnecting.*CloseTimeout.*: [1-9]\d* bytes not delivered \([1-9]\d* video and 0 audio frames\)", lost.Message);
        Assert.Equal(lost.Message, await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteVideoAsync(video[0], Frame * 100, Frame * 100));
        Assert.Contains("disconnected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task Disconnecting_while_reconnecting_delivers_the_backlog_once_the_connection_is_back(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 3 };
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            CloseTimeout = TimeSpan.FromSeconds(10),
            OutputBufferSize = outputBufferSize,
            Reconnect = new RtmpReconnectOptions(Attempts: 3) { Policy = new FixedDelay(TimeSpan.FromMilliseconds(500)) },
        };
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(options))
        {
            writer.StatusChanged += (_, e) =>
            {
                if (e.Status == RtmpWriterStatus.Reconnecting)
                {
                    reconnecting.TrySetResult();
                }
            };

            for (int v = 0; v < video.Count; v++)
            {
                await writer.WriteVideoAsync(video[v], Frame * v, Frame * v);
            }

            await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(RtmpWriterStatus.Reconnecting, writer.Status);
            await writer.DisconnectAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, writer.GetStats().Reconnects);
        }

        await server.ConnectionEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var received = server.Media.Where(m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1).Select(m => m.Timestamp).ToHashSet();
        for (int i = 0; i < video.Count; i++)
        {
            Assert.Contains((uint)(40 * i), received);
        }
    }

    private sealed class FixedDelay(TimeSpan delay) : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => delay;
    }
}
