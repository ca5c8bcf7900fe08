using Uplink.IntegrationTests.Media;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>Reads a file with <see cref="MediaReader"/> and compares its frames with FFmpeg 8.1's demuxed packets.</summary>
internal static class ReaderPacketComparison
{
    /// <summary>Every frame <see cref="MediaReader.OpenAsync(string, MediaReaderOptions?, CancellationToken)"/>'s reader gives for <paramref name="path"/>.</summary>
    public static async Task<(IMediaReader Reader, List<FfmpegPacket> Frames)> ReadAllAsync(string path, List<string>? warnings = null)
    {
        var reader = await MediaReader.OpenAsync(path, new MediaReaderOptions { OnWarning = w => warnings?.Add(w) });
        var frames = new List<FfmpegPacket>();
        while (await reader.ReadAsync())
        {
            frames.Add(FfmpegPacket.From(reader.Current));
        }

        return (reader, frames);
    }

    /// <summary>
    /// Asserts that the frames of <paramref name="kind"/> match FFmpeg's packets one for one: count, size and MD5,
    /// key flag, and DTS/PTS in milliseconds wherever FFmpeg has them (its Matroska demuxer leaves the DTS of the
    /// first reordered frames unset; raw elementary streams have none).
    /// </summary>
    public static void AssertSame(FfmpegPackets expected, List<FfmpegPacket> frames, MediaKind kind, string what, bool keys = true)
    {
        IReadOnlyList<FfmpegPacket> packets = expected.Of(kind);
        List<FfmpegPacket> actual = [.. frames.Where(f => f.Kind == kind)];
        Assert.True(packets.Count > 0, $"{what}: FFmpeg lists no {kind} packets");
        for (int i = 0; i < Math.Min(packets.Count, actual.Count); i++)
        {
            FfmpegPacket p = packets[i];
            FfmpegPacket a = actual[i];
            bool same = p.Size == a.Size && p.Md5 == a.Md5
                && (!keys || p.IsKeyframe == a.IsKeyframe)
                && (p.DtsMs == FfmpegPackets.NoTime || p.DtsMs == a.DtsMs)
                && (p.PtsMs == FfmpegPackets.NoTime || p.PtsMs == a.PtsMs);
            Assert.True(same, $"{what}: {kind} frame {i} differs: FFmpeg {p}; ours {a}");
        }

        Assert.True(packets.Count == actual.Count, $"{what}: FFmpeg has {packets.Count} {kind} packets, our reader gave {actual.Count}");
    }

}
