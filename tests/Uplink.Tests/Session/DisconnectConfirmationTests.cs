namespace Uplink.Tests.Session;

/// <summary>Written to the socket is not received: ending a stream on a server that already dropped it must say so.</summary>
public class DisconnectConfirmationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task A_stream_ended_after_the_server_dropped_it_unnoticed_is_not_reported_as_delivered(int outputBufferSize)
    {
        // The server resets the connection after 4 frames; everything else fits the socket's buffers, so no write fails.
        await using var server = new ScriptedRtmpServer { DropEveryConnectionAfterMediaMessages = 4 };
        var options = new RtmpWriterOptions { Url = server.Url(), Audio = null, OutputBufferSize = outputBufferSize };
        await using var writer = new RtmpWriter(options);
        var video = ElementaryStreams.VideoAccessUnits();

        var failure = await Assert.ThrowsAsync<RtmpException>(async () =>
        {
            for (int i = 0; i < video.Count; i++)
            {
                await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i));
            }

            await writer.DisconnectAsync();
        });

        Assert.Equal(RtmpErrorKind.Disconnected, failure.Kind);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
        Assert.True(server.Media.Count(m => m.Type == Protocol.Chunks.RtmpMessageType.Video) < video.Count + 1, "the server got everything: the test proves nothing");
    }

    /// <summary>Long enough that six writes into the queue finish well before reconnecting can give up.</summary>
    private sealed class ShortDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(300);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    public async Task Ending_a_stream_whose_reconnecting_gave_up_after_the_last_write_reports_why(int outputBufferSize)
    {
        // Every connection drops after 4 of the 7 messages (sequence header and one GOP), so reconnecting gives up,
        // and it does so after the caller's last write: only DisconnectAsync is left to say the stream did not arrive.
        await using var server = new ScriptedRtmpServer { DropEveryConnectionAfterMediaMessages = 4 };
        var gaveUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            OutputBufferSize = outputBufferSize,
            Reconnect = new RtmpReconnectOptions(Attempts: 2) { Policy = new ShortDelay() },
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
        for (int i = 0; i < 6; i++)
        {
            await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i));
        }

        Assert.Contains("gave up reconnecting", await gaveUp.Task.WaitAsync(TimeSpan.FromSeconds(20)), StringComparison.Ordinal);

        var failure = await Assert.ThrowsAsync<RtmpException>(() => writer.DisconnectAsync());
        Assert.Equal(RtmpErrorKind.Disconnected, failure.Kind);
        Assert.Contains("gave up reconnecting", failure.Message, StringComparison.Ordinal);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
    }
}
