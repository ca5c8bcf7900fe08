using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// <c>uplink publish</c> on MKV (as OBS records it): clips remuxed into Matroska by ffmpeg, from a file or from a pipe
/// (an unknown-size segment), are recorded by nginx-rtmp with exactly the frames of the file; codecs RTMP cannot carry
/// in MKV or WebM (VP8, MPEG-2, Vorbis, MP2: HEVC, AV1, VP9, Opus, FLAC, AC-3, E-AC-3 and MP3 are read, see
/// <see cref="MatroskaEnhancedCodecsInputTests"/>) are refused before publishing, naming the codec; <c>uplink probe</c> names the container.
/// </summary>
public sealed class MatroskaInputTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, InputCase> Cases = new(StringComparer.Ordinal)
    {
        ["mkv_high_bframes_642x362_44k1_stereo"] = new(InputCases.Base with { Width = 642, Height = 362, AudioSampleRate = 44100, Format = "matroska" }),
        ["mkv_main_no_bframes_48k_mono"] = new(InputCases.Base with { Profile = "main", BFrames = false, AudioChannels = 1, Format = "matroska" }),
        ["mkv_baseline_video_only"] = new(InputCases.Base with { Profile = "baseline", BFrames = false, Audio = false, Format = "matroska" }),
    };

    /// <summary>The MKV input cases.</summary>
    public static TheoryData<string> CaseNames => new(Cases.Keys);

    /// <summary>Every MKV case is recorded with identical frames.</summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Publishing_an_mkv_is_recorded_with_identical_frames(string inputCase) =>
        InputRoundTrip.AssertPublishedAsync(fixture.Peer, inputCase, Cases[inputCase], []);

    /// <summary><c>ffmpeg … -c copy -f matroska - | uplink publish -</c>: a live-style MKV (unknown-size segment) from stdin.</summary>
    [Fact]
    public async Task Publishing_an_mkv_from_stdin_is_recorded_with_identical_frames()
    {
        var clip = await ClipGenerator.GetAsync(InputCases.Base with { Profile = "main", AudioSampleRate = 44100 });
        var stream = StreamNames.Next("stdin-mkv");
        string[] producer = [RequiredTools.Ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", clip, "-c", "copy", "-live", "1", "-f", "matroska", "-"];
        var result = await UplinkCli.RunWithStdinFromAsync(producer, ["publish", "-", fixture.Peer.PublishUrl(stream), "--no-realtime"], PeerRoundTrip.PublishTimeout);
        await InputRoundTrip.AssertRecordingAsync(fixture.Peer, stream, result, "ffmpeg -f matroska - | uplink publish - → nginx-rtmp", clip, clip, clip, repeat: 1);
    }

    /// <summary>
    /// A codec RTMP cannot carry, in MKV or WebM, exits 2 with one error line naming it, before publishing (no "Connected"
    /// status in the --json lines).
    /// </summary>
    [Theory]
    [InlineData("video", "libvpx", "webm", "VP8")]
    [InlineData("video", "mpeg2video", "matroska", "MPEG-2 video")]
    [InlineData("audio", "libvorbis", "matroska", "Vorbis")]
    [InlineData("audio", "mp2", "matroska", "MP2")]
    public async Task Publishing_an_unsupported_codec_in_mkv_exits_2_naming_the_codec(string kind, string encoder, string format, string name)
    {
        var options = kind == "video"
            ? InputCases.Base with { VideoEncoder = encoder, Format = format, Audio = false }
            : InputCases.Base with { AudioEncoder = encoder, Format = format };
        var clip = await ClipGenerator.GetAsync(options);
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("unsupported-mkv")), "--no-realtime", "--json"], TimeSpan.FromSeconds(20));

        var line = CliAssert.FailedWithOneErrorLine(result, 2);
        Assert.False(result.StandardOutput.Contains("\"Connected\"", StringComparison.Ordinal), $"uplink started publishing {encoder} in {format} before refusing it.\n{result.Describe()}");
        var message = line.Replace(clip, "", StringComparison.Ordinal);
        Assert.True(
            message.Contains(name, StringComparison.Ordinal) && message.Contains(kind == "video" ? "track 1 (video)" : "track 2 (audio)", StringComparison.Ordinal),
            $"the error line for {encoder} in {format} does not name {name} and its track: {line}");
    }

    /// <summary><c>uplink probe</c> names the container and agrees with the clip on its tracks.</summary>
    [Fact]
    public async Task Probe_names_the_container_Matroska()
    {
        var clip = await ClipGenerator.GetAsync(Cases["mkv_high_bframes_642x362_44k1_stereo"].Input);
        var probe = await UplinkCli.RunAsync(["probe", clip], ProbeTimeout);
        Assert.True(!probe.TimedOut && probe.ExitCode == 0, $"uplink probe failed.\n{probe.Describe()}");
        Assert.StartsWith($"{clip}: Matroska, 2.0", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("video: H.264 High 3, 642x362, 25 fps, 50 frames (2 keyframes, GOP 25, B-frames)", probe.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("audio: AAC LC, 44100 Hz, 2 channels", probe.StandardOutput, StringComparison.Ordinal);
    }
}
