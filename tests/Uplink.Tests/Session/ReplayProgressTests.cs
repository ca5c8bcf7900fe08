namespace Uplink.Tests.Session;

/// <summary>A server that drops every connection before acknowledging anything: reconnecting must not resend the same frames for ever.</summary>
public class ReplayProgressTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    private sealed class NoDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(10);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task Connections_lost_before_their_replay_got_anywhere_end_the_stream_with_a_reason_and_the_stats_tell_written_from_resent(int outputBufferSize)
    {
        await using var server = new ScriptedRtmpServer { DropEveryConnectionAfterMediaMessages = 8 };
        var gaveUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            OutputBufferSize = outputBufferSize,
            Reconnect = new RtmpReconnectOptions(Attempts: 3) { Policy = new NoDelay() },

            // Larger than the stream: TCP's acknowledgements never stand in for the server's (see the test below).
            WindowAcknowledgementSize = 64 * 1024 * 1024,
        };
        await using var writer = new RtmpWriter(options);
        writer.StatusChanged += (_, e) =>
        {
            if (e.Status == RtmpWriterStatus.Disconnected)
            {
                gaveUp.TrySetResult(e.Reason);
            }
        };

        var video = ElementaryStreams.VideoAccessUnits();
        int written = 0;
        try
        {
            for (int round = 0; round < 20 && !gaveUp.Task.IsCompleted; round++)
            {
                for (int v = 0; v < video.Count; v++, written++)
                {
                    await writer.WriteVideoAsync(video[v], Frame * written);
                }
            }
        }
        catch (RtmpException ex)
        {
            Assert.Contains("gave up reconnecting", ex.Message, StringComparison.Ordinal);
        }

        string reason = await gaveUp.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("gave up reconnecting: 3 connections in a row were lost before they had resent the replay", reason, StringComparison.Ordinal);
        Assert.Contains("acknowledged nothing", reason, StringComparison.Ordinal);

        // The first connection and one per attempt that got nowhere; not one more.
        Assert.Equal(4, server.ConnectionCount);
        RtmpWriterStats stats = writer.GetStats();
        Assert.Equal(written, stats.VideoFramesWritten);
        Assert.True(stats.VideoFramesResent > 0, "nothing was counted as re-sent");
        Assert.True(stats.VideoFramesSent - stats.VideoFramesResent <= written, $"{stats.VideoFramesSent} sent, {stats.VideoFramesResent} re-sent, {written} written");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task A_server_that_acknowledges_before_each_drop_lets_every_reconnect_make_progress_and_the_stream_reaches_its_end(int outputBufferSize)
    {
        // Each connection carries 8 frames, acknowledges them and drops: the replay starts one GOP (6 frames) further on each time.
        await using var server = new ScriptedRtmpServer { DropEveryConnectionAfterMediaMessages = 8, AcknowledgeBeforeDrop = true };
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            OutputBufferSize = outputBufferSize,
            Reconnect = new RtmpReconnectOptions(Attempts: 2) { Policy = new NoDelay(), Timestamps = RtmpReconnectTimestamps.Continue },  // frames are told apart by their timestamps
        };
        var video = ElementaryStreams.VideoAccessUnits();
        int frames = 3 * video.Count;
        await using (var writer = new RtmpWriter(options))
        {
            for (int i = 0; i < frames; i++)
            {
                await writer.WriteVideoAsync(video[i % video.Count], Frame * i);
            }

            // The drops come as the server reads; ending the stream earlier would end it on a connection about to drop.
            uint last = (uint)(40 * (frames - 1));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!server.Media.Any(m => m.Type == Protocol.Chunks.RtmpMessageType.Video && m.Timestamp == last) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            await writer.DisconnectAsync();
            RtmpWriterStats stats = writer.GetStats();
            Assert.True(stats.Reconnects >= 3, $"{stats.Reconnects} reconnects");
            Assert.Equal(frames, stats.VideoFramesWritten);
        }

        var received = server.Media.Where(m => m.Type == Protocol.Chunks.RtmpMessageType.Video && m.Payload[1] == 1).Select(m => m.Timestamp).ToHashSet();
        for (int i = 0; i < frames; i++)
        {
            Assert.Contains((uint)(40 * i), received);
        }
    }
}
