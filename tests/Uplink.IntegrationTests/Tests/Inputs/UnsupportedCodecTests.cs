using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Xunit.Abstractions;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// A codec RTMP (without Enhanced RTMP) cannot carry is bad input: exit 2 and one error line naming the codec,
/// whatever container it comes in, before anything is published (no "Connected" status in the --json lines).
/// </summary>
public sealed class UnsupportedCodecTests(NginxRtmpFixture fixture, ITestOutputHelper output) : IClassFixture<NginxRtmpFixture>
{
    private static readonly Lazy<Task<string>> Encoders = new(ListEncodersAsync);

    /// <summary>
    /// Publishing a clip whose video or audio is encoded with <paramref name="encoder"/> into <paramref name="format"/>
    /// exits 2 with one error line holding one of <paramref name="names"/> (case-insensitive, '|'-separated).
    /// </summary>
    [Theory]
    // HEVC and MP3 in MP4, MP3 and AC-3 in MPEG-TS are read since the readers map Enhanced RTMP codecs (Mp4/MpegTsEnhancedCodecsInputTests).
    [InlineData("video", "mpeg2video", "mpegts", "MPEG-2|MPEG2")]
    [InlineData("audio", "mp2", "mpegts", "MP2|layer 2|layer II")]
    public async Task Publishing_an_unsupported_codec_exits_2_naming_the_codec(string kind, string encoder, string format, string names)
    {
        if (!await HasEncoderAsync(encoder))
        {
            // Only a missing libx265 outside CI may excuse a case; under CI=true (Debian's ffmpeg has it) it fails loudly.
            Assert.True(encoder == "libx265" && Environment.GetEnvironmentVariable("CI") != "true", $"ffmpeg has no {encoder} encoder, needed to make the test input.");
            output.WriteLine($"SKIPPED: ffmpeg has no {encoder} encoder, so no {format} with that codec can be made; this case tested nothing.");
            return;
        }

        var options = kind == "video"
            ? InputCases.Base with { VideoEncoder = encoder, Format = format, Audio = true }
            : InputCases.Base with { AudioEncoder = encoder, Format = format };
        var clip = await ClipGenerator.GetAsync(options);
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("unsupported")), "--no-realtime", "--json"], TimeSpan.FromSeconds(20));

        var line = CliAssert.FailedWithOneErrorLine(result, 2);
        // --json reports {"status":"Connected"} once publishing has started: the refusal must come before it.
        Assert.False(
            result.StandardOutput.Contains("\"Connected\"", StringComparison.Ordinal),
            $"uplink started publishing {encoder} in {format} before refusing it.\n{result.Describe()}");
        // The clip's name holds the encoder's name (e.g. mpeg2video, libmp3lame): only the rest of the line counts.
        var message = line.Replace(clip, "", StringComparison.Ordinal).Replace(Path.GetFileName(clip), "", StringComparison.Ordinal);
        var expected = names.Split('|');
        Assert.True(
            expected.Any(name => message.Contains(name, StringComparison.OrdinalIgnoreCase)),
            $"the error line for {encoder} in {format} names none of [{string.Join(", ", expected)}] (outside the file name): {line}");
    }

    private static async Task<bool> HasEncoderAsync(string encoder)
    {
        var list = await Encoders.Value;
        return list.Split('\n').Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var name, ..] && name == encoder);
    }

    private static async Task<string> ListEncodersAsync()
    {
        var result = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-hide_banner", "-encoders"], TimeSpan.FromSeconds(30));
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Listing ffmpeg's encoders failed: {result.Describe()}");
        }

        return result.StandardOutput;
    }
}
