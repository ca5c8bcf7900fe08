namespace Uplink.Tests.Session;

public class WatchStatsTests
{
    [Fact]
    public async Task Stats_come_at_once_then_at_each_interval_and_stop_when_the_writer_is_disposed()
    {
        await using var server = new ScriptedRtmpServer();
        var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null });
        var video = ElementaryStreams.VideoAccessUnits();
        for (int i = 0; i < 5; i++)
        {
            await writer.WriteVideoAsync(video[i], TimeSpan.FromMilliseconds(40 * i));
        }

        await using IAsyncEnumerator<RtmpWriterStats> watch = writer.WatchStatsAsync(TimeSpan.FromMilliseconds(20)).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(5, watch.Current.VideoFramesWritten);

        await writer.WriteVideoAsync(video[5], TimeSpan.FromMilliseconds(200));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(6, watch.Current.VideoFramesWritten);

        await writer.DisposeAsync();
        Assert.False(await watch.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancelling_ends_the_watch_with_OperationCanceledException()
    {
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/unused" });
        using var cancel = new CancellationTokenSource();
        await using IAsyncEnumerator<RtmpWriterStats> watch = writer.WatchStatsAsync(TimeSpan.FromHours(1), cancel.Token).GetAsyncEnumerator();
        Assert.True(await watch.MoveNextAsync());

        ValueTask<bool> next = watch.MoveNextAsync();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
    }

    [Fact]
    public void A_zero_interval_is_refused()
    {
        var writer = new RtmpWriter(new RtmpWriterOptions { Url = "rtmp://127.0.0.1/live/unused" });
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WatchStatsAsync(TimeSpan.Zero));
    }
}
