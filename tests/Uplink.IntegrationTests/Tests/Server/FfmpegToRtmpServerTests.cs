using System.Net;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.Server;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary>FFmpeg as the referee for Uplink's own server: publishing (digest handshake), recording, and both authentication schemes.</summary>
public sealed class FfmpegToRtmpServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-server-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    private RtmpServerOptions Options(RtmpAuthMode mode = RtmpAuthMode.None, CapturingLoggerFactory? logs = null) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        RecordDirectory = _recordings,
        AuthMode = mode,
        UserName = mode == RtmpAuthMode.None ? null : "alice",
        Password = mode == RtmpAuthMode.None ? null : "s3cret",
        LoggerFactory = logs,
    };

    private static async Task<(PublishSessionSummary Summary, Processes.ProcessResult Result)> PublishAsync(RtmpServer server, string clip, string url)
    {
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        var result = await FfmpegPublisher.PublishAsync(clip, url, Timeout);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());
        return (await ended.Task.WaitAsync(TimeSpan.FromSeconds(10)), result);
    }

    [Theory]
    [InlineData("high_bframes_aac_stereo_48k")]
    [InlineData("video_only")]
    [InlineData("audio_only")]
    public async Task Ffmpeg_publish_is_recorded_frame_identical(string clipCase)
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Get(clipCase));
        var logs = new CapturingLoggerFactory();
        await using var server = new RtmpServer(Options(logs: logs));
        await server.StartAsync();

        var (summary, _) = await PublishAsync(server, clip, $"rtmp://127.0.0.1:{server.Port}/live/{clipCase}");

        Assert.Equal("live", summary.App);
        Assert.Equal(clipCase, summary.StreamName);
        Assert.Equal("unpublished", summary.EndReason);
        Assert.Contains(logs.Lines, l => l.Contains("handshake: DigestScheme1", StringComparison.Ordinal)); // FFmpeg signs its C1
        Assert.NotNull(summary.RecordingPath);
        Assert.StartsWith(Path.Combine(_recordings, "live", clipCase + "-"), summary.RecordingPath, StringComparison.Ordinal);
        await RecordingComparison.AssertSameFramesAsync(clip, summary.RecordingPath, "ffmpeg -> uplink server");
        var expectedVideo = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
        var expectedAudio = await FrameHashes.ComputeAsync(clip, MediaKind.Audio, HashMode.Packets);
        Assert.Equal(expectedVideo.Count, summary.VideoFrames);
        Assert.Equal(expectedAudio.Count, summary.AudioFrames);
        if (expectedVideo.Count > 0)
        {
            Assert.Equal("H.264", summary.Video?.Codec);
            Assert.Equal(ClipCases.Get(clipCase).Width, summary.Video?.Width);
        }

        if (expectedAudio.Count > 0)
        {
            Assert.Equal(new ReceivedAudioConfiguration("AAC", ClipCases.Get(clipCase).AudioSampleRate, ClipCases.Get(clipCase).AudioChannels), summary.Audio);
        }
    }

    [Theory]
    [InlineData(RtmpAuthMode.Adobe)]
    [InlineData(RtmpAuthMode.Llnw)]
    public async Task Ffmpeg_with_the_right_password_authenticates_and_publishes(RtmpAuthMode mode)
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Get("baseline"));
        var logs = new CapturingLoggerFactory();
        await using var server = new RtmpServer(Options(mode, logs));
        await server.StartAsync();

        var (summary, result) = await PublishAsync(server, clip, $"rtmp://alice:s3cret@127.0.0.1:{server.Port}/live/auth");

        Assert.Equal("auth", summary.StreamName);
        Assert.True(summary.VideoFrames > 0, result.Describe());
        Assert.Contains(logs.Lines, l => l.Contains("reason=needauth", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("reason=authfailed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RtmpAuthMode.Adobe, "alice:wrong", "reason=authfailed")]
    [InlineData(RtmpAuthMode.Llnw, "alice:wrong", "reason=authfailed")]
    [InlineData(RtmpAuthMode.Adobe, "mallory:s3cret", "reason=nosuchuser")]
    [InlineData(RtmpAuthMode.Llnw, "mallory:s3cret", "reason=nosuchuser")]
    public async Task Ffmpeg_with_wrong_credentials_is_refused(RtmpAuthMode mode, string credentials, string expectedReason)
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Get("baseline"));
        var logs = new CapturingLoggerFactory();
        await using var server = new RtmpServer(Options(mode, logs));
        var started = 0;
        server.SessionStarted += (_, _) => Interlocked.Increment(ref started);
        var refused = new TaskCompletionSource<PublishRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PublishRefused += (_, r) => refused.TrySetResult(r);
        await server.StartAsync();

        var result = await FfmpegPublisher.PublishAsync(clip, $"rtmp://{credentials}@127.0.0.1:{server.Port}/live/auth", Timeout);

        Assert.False(result.TimedOut, result.Describe());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(logs.Lines, l => l.Contains(expectedReason, StringComparison.Ordinal));
        var refusal = await refused.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((expectedReason, "live"), (refusal.Reason, refusal.App));
        await server.StopAsync();
        Assert.Equal(0, started);
        Assert.Empty(Directory.GetFiles(_recordings, "*.flv", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Ffmpeg_as_a_player_validates_the_servers_digest_S1_and_S2()
    {
        // FFmpeg checks S1's digest and S2's signature only when playing; it then gets our refusal to play.
        await using var server = new RtmpServer(Options());
        await server.StartAsync();

        var result = await Processes.ExternalProcess.RunAsync(Peers.RequiredTools.Find("ffprobe", "apt-get install ffmpeg"), ["-v", "debug", $"rtmp://127.0.0.1:{server.Port}/live/x"], Timeout);

        Assert.Contains("Server version 4.5.0.1", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("validating failed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature mismatch", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Server error: This server only accepts publishers.", result.StandardError, StringComparison.Ordinal);
    }
}
