using System.Globalization;
using System.Text;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// <c>uplink publish --timecode</c> (onFI data messages) and <c>--no-b-frames</c> against nginx-rtmp, the embedded server
/// and ffprobe. What was found: nginx-rtmp neither records onFI (its recordings hold no script tags at all) nor relays it
/// to players (only audio, video and its own onMetaData go out); the stream itself is unharmed. FFmpeg's FLV demuxer
/// logs "Unknown type onFI" and exposes the tags as a data stream (codec none) whose packets are the AMF0 bodies.
/// </summary>
public sealed class TimecodeTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    private static string Ffprobe => RequiredTools.Find("ffprobe", "apt-get install ffmpeg");

    [Fact]
    public async Task Publish_with_timecode_to_nginx_rtmp_records_identical_frames_and_nginx_rtmp_drops_the_onFI_tags()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        string stream = StreamNames.Next("timecode");
        ProcessResult result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(stream), "--no-realtime", "--timecode", "--smpte-timecode"], PeerRoundTrip.PublishTimeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());

        string recording = await fixture.Peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink --timecode → nginx-rtmp");

        // nginx-rtmp's recorder writes audio and video tags only: no onFI, and not even an onMetaData.
        Assert.Empty(FlvScriptTag.ReadAll(recording));
    }

    [Fact]
    public async Task Nginx_rtmp_does_not_relay_onFI_to_a_live_player()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        string stream = StreamNames.Next("timecode-play");
        string url = fixture.Peer.PublishUrl(stream);

        // An onFI every 0.2 s of media, published in real time for as long as the player reads (3 s of packets).
        await using ExternalProcess publisher = UplinkCli.Start(["publish", clip, url, "--loop", "0", "--timecode", "0.2"]);
        ProcessResult player = await ExternalProcess.RunAsync(
            Ffprobe,
            ["-v", "error", "-read_intervals", "%+3", "-show_entries", "packet=codec_type,pts_time", "-of", "csv=p=0", url],
            TimeSpan.FromSeconds(30));
        await publisher.StopAsync(TimeSpan.FromSeconds(5));

        Assert.True(!player.TimedOut && player.ExitCode == 0, player.Describe());
        string[] packets = player.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int video = packets.Count(p => p.StartsWith("video,", StringComparison.Ordinal));
        Assert.True(video >= 25, $"the player got {video} video packets (at least a second's worth expected, so onFI had time to arrive).\n{player.Describe()}");
        Assert.DoesNotContain(packets, p => p.StartsWith("data,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_with_timecode_to_the_embedded_server_records_onFI_tags_that_ffprobe_shows_as_a_data_stream()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        string records = Directory.CreateTempSubdirectory("uplink-timecode-").FullName;
        try
        {
            ProcessResult result = await UplinkCli.RunAsync(["publish", clip, "--no-realtime", "--timecode", "1", "--smpte-timecode", "--record", records], PeerRoundTrip.PublishTimeout);
            Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
            string recording = Assert.Single(Directory.GetFiles(records, "*.flv", SearchOption.AllDirectories));
            await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink --timecode → embedded server");

            // The 3 s clip at 25 fps: onFI at 0, 1 and 2 s, right after the video frame they label.
            var onFi = FlvScriptTag.ReadAll(recording).Where(t => t.Name == "onFI").ToList();
            Assert.Equal([0u, 1000u, 2000u], onFi.Select(t => t.Timestamp));
            string[] expectedTimecodes = ["00:00:00:00", "00:00:01:00", "00:00:02:00"];
            for (int i = 0; i < onFi.Count; i++)
            {
                string body = Encoding.ASCII.GetString(onFi[i].Body);
                Assert.Contains("\u0002sd\u0002", body, StringComparison.Ordinal);
                Assert.Contains("\u0002st\u0002", body, StringComparison.Ordinal);
                Assert.Contains(expectedTimecodes[i], body, StringComparison.Ordinal);
            }

            // ffprobe: "Unknown type onFI", one data stream, one packet per onFI holding the AMF0 body.
            ProcessResult probe = await ExternalProcess.RunAsync(
                Ffprobe, ["-v", "debug", "-select_streams", "d", "-show_entries", "packet=codec_type,pts_time,size:stream=codec_type,codec_name", "-of", "csv=p=0", recording], TimeSpan.FromSeconds(30));
            Assert.True(!probe.TimedOut && probe.ExitCode == 0, probe.Describe());
            Assert.Contains("Unknown type onFI", probe.StandardError, StringComparison.Ordinal);
            var dataPackets = probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => l.StartsWith("data,", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                onFi.Select(t => string.Create(CultureInfo.InvariantCulture, $"data,{t.Timestamp / 1000d:0.000000},{t.Body.Length}")),
                dataPackets.Take(onFi.Count));
        }
        finally
        {
            Directory.Delete(records, recursive: true);
        }
    }

    [Fact]
    public async Task Publish_with_no_b_frames_fails_with_exit_2_naming_the_first_B_frame()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        ProcessResult result = await UplinkCli.RunAsync(["publish", clip, "--no-realtime", "--no-b-frames"], PeerRoundTrip.PublishTimeout);

        Assert.False(result.TimedOut, result.Describe());
        Assert.Equal(2, result.ExitCode);
        string error = Assert.Single(result.StandardError.Split('\n'), l => l.StartsWith("uplink: error:", StringComparison.Ordinal));
        Assert.Matches(@"video frame \d+: PTS \S+ differs from DTS \S+ \(frames reordered for B-frames\), and AllowBFrames is false", error);
    }

    [Fact]
    public async Task Publish_with_no_b_frames_sends_a_clip_without_B_frames()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Get("baseline"));
        ProcessResult result = await UplinkCli.RunAsync(["publish", clip, "--no-realtime", "--no-b-frames"], PeerRoundTrip.PublishTimeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
    }
}
