using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The Matroska/WebM reader on the codecs beyond H.264 and AAC, on clips FFmpeg 8.1 encodes and muxes: every frame
/// matches FFmpeg's own demuxer (packets.js) in count, bytes, key flag and timestamps, and the media types name the codecs.
/// </summary>
public sealed class MatroskaEnhancedCodecsInputTests
{
    /// <summary>The clips: video, audio, container, B-frames.</summary>
    public static TheoryData<string, string, string, bool> Clips => new()
    {
        { "hevc", "opus", "mkv", true },
        { "av1", "flac", "mkv", false },
        { "vp9", "ac3", "mkv", false },
        { "vp9", "opus", "webm", false },
        { "av1", "opus", "webm", false },
        { "h264", "eac3", "mkv", false },
        { "hevc", "mp3", "mkv", false },
    };

    /// <summary>Every frame is FFmpeg's packet: same bytes, key flags and times (Opus's negative first time included).</summary>
    [Theory]
    [MemberData(nameof(Clips))]
    public async Task Frames_match_FFmpegs_demuxer(string video, string audio, string container, bool bframes)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, Audio = audio, Container = container, BFrames = bframes });
        var expected = await FfmpegPackets.ReadAsync(clip);
        var warnings = new List<string>();
        (IMediaReader reader, List<FfmpegPacket> frames) = await ReaderPacketComparison.ReadAllAsync(clip, warnings);
        await using (reader)
        {
            Assert.Equal(Codec(expected.Codec(MediaKind.Video)), reader.Video!.Codec.ToString());
            Assert.Equal(Codec(expected.Codec(MediaKind.Audio)), reader.Audio!.Codec.ToString());
        }

        ReaderPacketComparison.AssertSame(expected, frames, MediaKind.Video, clip);
        ReaderPacketComparison.AssertSame(expected, frames, MediaKind.Audio, clip);
        Assert.Empty(warnings);
    }

    private static string Codec(string ffmpegName) => ffmpegName switch
    {
        "h264" => "H264",
        "hevc" => "Hevc",
        "av1" => "Av1",
        "vp9" => "Vp9",
        "aac" => "Aac",
        "opus" => "Opus",
        "flac" => "Flac",
        "ac3" => "Ac3",
        "eac3" => "Eac3",
        "mp3" => "Mp3",
        _ => ffmpegName,
    };
}
