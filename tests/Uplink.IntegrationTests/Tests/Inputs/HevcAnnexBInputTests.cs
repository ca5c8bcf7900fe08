using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// Raw HEVC Annex-B (<c>ffmpeg -f hevc</c>) from FFmpeg 8.1: detected by content, split into the access units FFmpeg's
/// HEVC parser cuts (packets.js: same count, bytes and key flags) and timed by the VUI frame rate; with B-frames it is
/// refused in one line, since its output order is not derived.
/// </summary>
public sealed class HevcAnnexBInputTests
{
    /// <summary>Access units match FFmpeg's; times are n / 25 fps (FFmpeg's raw demuxer gives none to compare).</summary>
    [Fact]
    public async Task Access_units_match_FFmpegs_parser_and_are_timed_by_the_frame_rate()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", Audio = "none", Container = "hevc" });
        var expected = await FfmpegPackets.ReadAsync(clip);
        var warnings = new List<string>();
        (IMediaReader reader, List<FfmpegPacket> frames) = await ReaderPacketComparison.ReadAllAsync(clip, warnings);
        await using (reader)
        {
            Assert.Equal(("HEVC Annex-B", VideoCodec.Hevc), (reader.FormatName, reader.Video!.Codec));
            Assert.Equal(25, ((ElementaryStreamReader)reader).FrameRate);
        }

        ReaderPacketComparison.AssertSame(expected, frames, MediaKind.Video, clip);
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(n => n * 40L), frames.Select(f => f.DtsMs));
        Assert.Equal(frames.Select(f => f.DtsMs), frames.Select(f => f.PtsMs));
        Assert.Equal(2, frames.Count(f => f.IsKeyframe));
        Assert.Empty(warnings);
    }

    /// <summary>With B-frames the SPS allows reordering: refused naming the SPS and its value, with the way out.</summary>
    [Fact]
    public async Task A_stream_with_B_frames_is_refused_in_one_line()
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", Audio = "none", Container = "hevc", BFrames = true });
        var e = await Assert.ThrowsAsync<NotSupportedException>(async () => await MediaReader.OpenAsync(clip));
        Assert.StartsWith("HEVC Annex-B: the SPS at offset ", e.Message, StringComparison.Ordinal);
        Assert.Contains("allows reordering (sps_max_num_reorder_pics 2: B-frames)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
