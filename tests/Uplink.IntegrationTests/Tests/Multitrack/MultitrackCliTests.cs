using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Tests.Inputs;

namespace Uplink.IntegrationTests.Tests.Multitrack;

/// <summary>
/// <c>uplink publish CLIP --all-tracks</c> with a clip of two video tracks (HEVC 640x360 and H.264 320x180) and two audio
/// tracks (AAC and Opus), made by FFmpeg 8.1 in the test set-up: to FFmpeg 8.1's RTMP listener and to the embedded server
/// every track arrives frame-identical; nginx-rtmp, which cannot take multitrack, gets the default tracks alone,
/// frame-identical, with a warning; <c>--track</c> picks tracks.
/// </summary>
public sealed class MultitrackCliTests(NginxRtmpFixture nginx) : IClassFixture<NginxRtmpFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-multitrack-").FullName;

    /// <summary>The ladder with H.264 as the default video track, so that a legacy server gets a stream it can play.</summary>
    private static readonly FfmpegClipOptions[] H264First =
    [
        MultitrackSendPathTests.Ladder[1],
        MultitrackSendPathTests.Ladder[0],
        MultitrackSendPathTests.Ladder[2],
        MultitrackSendPathTests.Ladder[3],
    ];

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Theory]
    [InlineData("mp4")]
    [InlineData("mkv")]
    [InlineData("flv")]
    public async Task All_tracks_to_ffmpegs_listener_arrive_each_frame_identical(string container)
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync(container, MultitrackSendPathTests.Ladder);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var result = await UplinkCli.RunAsync(["publish", clip, listener.PublishUrl(), "--all-tracks", "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedTracksAsync(clip, recording, $"uplink publish --all-tracks ({container}) → {listener.Name}");
    }

    [Fact]
    public async Task All_tracks_to_the_embedded_server_are_recorded_each_frame_identical_and_reported()
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", MultitrackSendPathTests.Ladder);

        var result = await UplinkCli.RunAsync(["publish", clip, "--all-tracks", "--no-realtime", "--json", "--record", _recordings], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var received = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "received");
        Assert.True(received.GetProperty("complete").GetBoolean(), result.Describe());
        await RecordingComparison.AssertSameDecodedTracksAsync(clip, received.GetProperty("recording").GetString()!, "uplink publish --all-tracks → embedded server");
    }

    [Fact]
    public async Task All_tracks_to_nginx_rtmp_record_the_default_tracks_alone_frame_identical_with_a_warning()
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", H264First);
        var defaults = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", H264First[0], H264First[2]);
        var stream = StreamNames.Next("nginx-multitrack");

        var result = await UplinkCli.RunAsync(["publish", clip, nginx.Peer.PublishUrl(stream), "--all-tracks", "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Contains("default video and audio tracks only", result.StandardError, StringComparison.Ordinal);
        var recording = await nginx.Peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedTracksAsync(defaults, recording, "uplink publish --all-tracks → nginx-rtmp (default tracks only)");
    }

    [Fact]
    public async Task Track_picks_tracks_and_makes_the_first_of_each_kind_the_default()
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", MultitrackSendPathTests.Ladder);
        var picked = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", MultitrackSendPathTests.Ladder[1], MultitrackSendPathTests.Ladder[3]);
        await using var listener = await FfmpegRtmpListener.StartAsync();

        var result = await UplinkCli.RunAsync(["publish", clip, listener.PublishUrl(), "--track", "v:1", "--track", "a:1", "--no-realtime"], Timeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await listener.WaitForRecordingAsync(PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameDecodedTracksAsync(picked, recording, $"uplink publish --track v:1 --track a:1 → {listener.Name}");
    }

    [Fact]
    public async Task A_track_the_input_lacks_exits_2_naming_the_tracks_it_has()
    {
        var clip = await FfmpegLibraries.MakeMultiTrackClipAsync("mp4", MultitrackSendPathTests.Ladder);

        var result = await UplinkCli.RunAsync(["publish", clip, "rtmp://127.0.0.1:1/live/x", "--track", "v:2"], Timeout);

        var line = CliAssert.FailedWithOneErrorLine(result, 2);
        Assert.Contains("the input has 2 video tracks (v:0 to v:1)", line, StringComparison.Ordinal);
    }
}
