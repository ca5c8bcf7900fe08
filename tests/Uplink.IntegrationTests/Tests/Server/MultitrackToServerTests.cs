using System.Net;
using Uplink.IntegrationTests.Media;
using Uplink.Server;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary>
/// FFmpeg 8.1's RTMP client publishes two video and two audio tracks (Enhanced RTMP multitrack: track 0 of each kind
/// plain, track 1 as OneTrack packets) to Uplink's server: the recording is the same multitrack FLV to FFmpeg, packet
/// for packet on every stream, and the report names each track.
/// </summary>
public sealed class MultitrackToServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-server-multitrack-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Fact]
    public async Task Ffmpeg_8_1_multitrack_publish_is_recorded_packet_identical_per_track_and_reported()
    {
        string clip = await MultitrackClips.FourTrackFlvAsync();
        var logs = new CapturingLoggerFactory();
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = _recordings, LoggerFactory = logs });
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        await server.StartAsync();

        var publish = await MultitrackClips.PublishAllStreamsAsync(clip, $"rtmp://127.0.0.1:{server.Port}/live/four", Timeout);
        Assert.True(!publish.TimedOut && publish.ExitCode == 0, publish.Describe());
        PublishSessionSummary summary = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            ["track 0 HEVC Main 2.1 640x360, 50 frames", "track 1 H.264 Constrained Baseline 1.2 320x180, 50 frames"],
            summary.VideoTracks.Select(t => t.ToString()));
        Assert.Equal(
            ["track 0 AAC 48000 Hz 2 ch, 95 frames", "track 1 Opus 48000 Hz 2 ch, 101 frames"],
            summary.AudioTracks.Select(t => t.ToString()));
        Assert.Equal((100L, 196L), (summary.VideoFrames, summary.AudioFrames));
        Assert.Equal("HEVC Main 2.1 640x360", summary.Video?.ToString());
        Assert.Contains(logs.Lines, l => l.Contains("received video track 1: H.264 Constrained Baseline 1.2 320x180, 50 frames", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("received audio track 1: Opus 48000 Hz 2 ch, 101 frames", StringComparison.Ordinal));

        var expected = await MultitrackClips.PacketsPerStreamAsync(clip);
        var actual = await MultitrackClips.PacketsPerStreamAsync(summary.RecordingPath!);
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected.Select(s => (s.Kind, s.Codec)), actual.Select(s => (s.Kind, s.Codec)));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Packets, actual[i].Packets);
        }
    }
}
