using System.Net;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;
using Uplink.Server;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary>
/// FFmpeg 8.1's RTMP client (node-av) publishes Enhanced RTMP to Uplink's server: it records the tags verbatim (an
/// Enhanced FLV FFmpeg decodes to the source's frames), names the codecs with what their configuration says, and the
/// recording opens in Uplink's own FLV reader, ready to republish.
/// </summary>
public sealed class EnhancedRtmpToServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-server-ertmp-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Theory]
    [InlineData("hevc", true, "opus", "HEVC Main 2 320x180", "Opus 48000 Hz 2 ch", VideoCodec.Hevc, AudioCodec.Opus)]
    [InlineData("av1", false, "flac", "AV1 Main 2.0 320x180", "FLAC 48000 Hz 2 ch", VideoCodec.Av1, AudioCodec.Flac)]
    [InlineData("vp9", false, "ac3", "VP9 Profile 0 1.1 320x180", "AC-3 48000 Hz 2 ch", VideoCodec.Vp9, AudioCodec.Ac3)]
    public async Task Ffmpeg_8_1_publish_is_recorded_frame_identical_and_described(
        string video, bool bframes, string audio, string videoReport, string audioReport, VideoCodec videoCodec, AudioCodec audioCodec)
    {
        string clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, BFrames = bframes, Audio = audio, Container = "mkv" });
        var logs = new CapturingLoggerFactory();
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = _recordings, LoggerFactory = logs });
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        await server.StartAsync();

        var publish = await FfmpegLibraries.PublishAsync(clip, $"rtmp://127.0.0.1:{server.Port}/live/{video}", Timeout);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, publish.Describe());
        PublishSessionSummary summary = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(videoReport, summary.Video?.ToString());
        Assert.Equal(audioReport, summary.Audio?.ToString());
        Assert.Contains(logs.Lines, l => l.Contains($"received video {videoReport}, audio {audioReport}", StringComparison.Ordinal));
        string recording = summary.RecordingPath!;
        byte[] head = File.ReadAllBytes(recording)[..40];
        Assert.Equal(0x05, head[4]); // audio and video flags
        Assert.Equal(18, head[13]); // the first tag is the script tag: onMetaData, @setDataFrame stripped
        Assert.Equal("onMetaData"u8.ToArray(), head[27..37]);

        var expected = await FfmpegLibraries.FrameMd5Async(clip);
        var actual = await FfmpegLibraries.FrameMd5Async(recording);
        Assert.Equal(expected.Video!.Md5s, actual.Video!.Md5s);
        Assert.Equal(expected.Audio!.Md5s, actual.Audio!.Md5s);
        Assert.Equal(expected.Video.Frames.Count, summary.VideoFrames);

        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(recording));
        Assert.Equal((videoCodec, audioCodec), (reader.Video?.Codec, reader.Audio?.Codec));
        long frames = 0;
        while (await reader.ReadAsync())
        {
            frames += reader.Current.Track == MediaTrack.Video ? 1 : 0;
        }

        Assert.Equal(summary.VideoFrames, frames);
    }
}
