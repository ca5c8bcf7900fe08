using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// <c>ffmpeg -i CLIP -c copy -f FORMAT - | uplink publish - URL --no-realtime</c>: FLV, MPEG-TS and fragmented MP4 read
/// from stdin are recorded with the clip's frames; <c>--loop</c> with stdin is a usage error.
/// </summary>
public sealed class StdinInputTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    private static readonly ClipOptions Clip = InputCases.Base with { Profile = "main", AudioSampleRate = 44100 };

    /// <summary>Each stdin format, piped from ffmpeg, is recorded with identical frames.</summary>
    [Theory]
    [InlineData("flv")]
    [InlineData("mpegts")]
    [InlineData("fragmented mp4")]
    public async Task Publishing_stdin_is_recorded_with_identical_frames(string format)
    {
        var clip = await ClipGenerator.GetAsync(Clip);
        var stream = StreamNames.Next("stdin");
        List<string> producer = [RequiredTools.Ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", clip, "-c", "copy"];
        producer.AddRange(format switch
        {
            "flv" => ["-f", "flv"],
            "mpegts" => ["-f", "mpegts"],
            _ => ["-movflags", "frag_keyframe+empty_moov", "-f", "mp4"],
        });
        producer.Add("-");

        var result = await UplinkCli.RunWithStdinFromAsync(producer, ["publish", "-", fixture.Peer.PublishUrl(stream), "--no-realtime"], PeerRoundTrip.PublishTimeout);
        await InputRoundTrip.AssertRecordingAsync(fixture.Peer, stream, result, $"ffmpeg -f {format} - | uplink publish - → nginx-rtmp", clip, clip, clip, repeat: 1);
    }

    /// <summary>stdin cannot be rewound: <c>--loop 2</c> with INPUT <c>-</c> exits 2 with one error line.</summary>
    [Fact]
    public async Task Loop_with_stdin_input_exits_2_with_one_error_line()
    {
        var result = await UplinkCli.RunAsync(["publish", "-", fixture.Peer.PublishUrl(StreamNames.Next("stdin-loop")), "--no-realtime", "--loop", "2"], TimeSpan.FromSeconds(15));
        CliAssert.FailedWithOneErrorLine(result, 2);
    }
}
