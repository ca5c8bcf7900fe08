using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The IVF reader on AV1 and VP9 clips FFmpeg 8.1 encodes and muxes: detected by content, every frame is FFmpeg's
/// packet (packets.js) in bytes, key flag and timestamps.
/// </summary>
public sealed class IvfInputTests
{
    /// <summary>Every frame matches FFmpeg's demuxer, through <see cref="MediaReader"/>'s detection.</summary>
    [Theory]
    [InlineData("av1", VideoCodec.Av1)]
    [InlineData("vp9", VideoCodec.Vp9)]
    public async Task Frames_match_FFmpegs_demuxer(string video, VideoCodec codec)
    {
        var clip = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = video, Audio = "none", Container = "ivf" });
        var expected = await FfmpegPackets.ReadAsync(clip);
        var warnings = new List<string>();
        (IMediaReader reader, List<FfmpegPacket> frames) = await ReaderPacketComparison.ReadAllAsync(clip, warnings);
        await using (reader)
        {
            Assert.IsType<IvfReader>(reader);
            Assert.Equal(codec, reader.Video!.Codec);
            Assert.Null(reader.Audio);
            Assert.Equal((320, 180), (((IvfReader)reader).Width, ((IvfReader)reader).Height));
        }

        ReaderPacketComparison.AssertSame(expected, frames, MediaKind.Video, clip);
        Assert.Equal(2, frames.Count(f => f.IsKeyframe)); // 2 s at a keyframe a second
        Assert.Empty(warnings);
    }
}
