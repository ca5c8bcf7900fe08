using System.Net;
using Uplink.Media;
using Uplink.Server;
using Uplink.Tests.Readers;

namespace Uplink.Tests.Publishing;

/// <summary>The reader-to-writer bridge: every frame of every pass reaches the server, each pass continuing the timestamps.</summary>
public class PublishAsyncTests
{
    private static string Sample => FlvReaderSampleTests.TestDataPath("sample-h264-aac.flv");

    private static ValueTask<IMediaReader> OpenAsync(CancellationToken cancellationToken) =>
        MediaReader.OpenAsync(File.OpenRead(Sample), cancellationToken: cancellationToken);

    [Fact]
    public async Task Two_passes_send_every_frame_twice_and_the_second_continues_where_the_first_ended()
    {
        string[] packets = File.ReadAllLines(FlvReaderSampleTests.TestDataPath("sample-h264-aac.packets.csv"));
        int videoFrames = packets.Count(p => p.StartsWith("video,", StringComparison.Ordinal));
        int audioFrames = packets.Count(p => p.StartsWith("audio,", StringComparison.Ordinal));

        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        await server.StartAsync();
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);

        await using IMediaReader reader = await OpenAsync(CancellationToken.None);
        var progress = new List<MediaPublishProgress>();
        MediaPublishResult result;
        RtmpWriterStats stats;
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/bridge", Video = reader.Video, Audio = reader.Audio }))
        {
            result = await writer.PublishAsync(reader, new MediaPublishOptions { RealTime = false, Loops = 2, Reopen = OpenAsync, Progress = progress.Add });
            await writer.DisconnectAsync();
            stats = writer.GetStats();
        }

        PublishSessionSummary received = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, result.Loops);
        Assert.Equal((2L * videoFrames, 2L * audioFrames), (received.VideoFrames, received.AudioFrames));
        Assert.Equal((2L * videoFrames, 2L * audioFrames), (stats.VideoFramesWritten, stats.AudioFramesWritten));

        // One pass's media time is half the total, and the second pass's frames are stamped after the first's.
        TimeSpan pass = result.MediaDuration / 2;
        Assert.True(stats.LastTimestamp > pass, $"last timestamp {stats.LastTimestamp} is not in the second pass (one pass is {pass})");
        Assert.Equal([1, 2], progress.Select(p => p.Loops).Distinct().Where(l => l > 0));
        Assert.Equal(progress.Select(p => p.Position).Order(), progress.Select(p => p.Position));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Loops_other_than_one_need_a_way_to_reopen_the_input(int loops)
    {
        await using IMediaReader reader = await OpenAsync(CancellationToken.None);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = "rtmp://127.0.0.1:1/live/never", Video = reader.Video, Audio = reader.Audio });

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => writer.PublishAsync(reader, new MediaPublishOptions { Loops = loops }));

        Assert.StartsWith($"Loops is {loops}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(RtmpWriterStatus.Disconnected, writer.Status);
    }

    [Fact]
    public async Task A_file_opened_by_path_reads_with_await_foreach_and_closes_with_the_reader()
    {
        string[] packets = File.ReadAllLines(FlvReaderSampleTests.TestDataPath("sample-h264-aac.packets.csv"));
        int frames = 0;
        int configurations = 0;
        await using (IMediaReader reader = await MediaReader.OpenAsync(Sample))
        {
            await foreach (MediaFrame frame in reader.ReadAllAsync())
            {
                if (frame.IsConfiguration)
                {
                    configurations++;
                }
                else
                {
                    frames++;
                }
            }
        }

        Assert.Equal(packets.Length, frames);
        Assert.Equal(2, configurations);

        // Closed with the reader: the file can be opened for writing again.
        using var again = new FileStream(Sample, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
    }

    [Fact]
    public async Task A_missing_file_is_a_clear_error()
    {
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(async () => await MediaReader.OpenAsync(Path.Combine(Path.GetTempPath(), "uplink-no-such-file.flv")));
        Assert.Contains("uplink-no-such-file.flv", ex.Message, StringComparison.Ordinal);
    }
}
