using System.Security.Cryptography;
using Uplink.IntegrationTests.Media;
using Uplink.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>One frame our reader gave, reduced to what packets.js prints.</summary>
internal sealed record ReadFrame(MediaKind Kind, long DtsMs, long PtsMs, bool Key, int Size, string Md5)
{
    public override string ToString() => $"dts {DtsMs} pts {PtsMs} key {(Key ? 1 : 0)} size {Size} md5 {Md5}";
}

/// <summary>Reads a file with <see cref="MediaReader"/> and compares its frames with FFmpeg 8.1's demuxed packets.</summary>
internal static class ReaderPacketComparison
{
    /// <summary>Every frame <see cref="MediaReader.OpenAsync(string, MediaReaderOptions?, CancellationToken)"/>'s reader gives for <paramref name="path"/>.</summary>
    public static async Task<(IMediaReader Reader, List<ReadFrame> Frames)> ReadAllAsync(string path, List<string>? warnings = null)
    {
        var reader = await MediaReader.OpenAsync(path, new MediaReaderOptions { OnWarning = w => warnings?.Add(w) });
        var frames = new List<ReadFrame>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            frames.Add(new ReadFrame(
                f.Track == MediaTrack.Video ? MediaKind.Video : MediaKind.Audio,
                FloorMs(f.Dts),
                FloorMs(f.Pts),
                f.IsKeyframe,
                f.Data.Length,
                Convert.ToHexStringLower(MD5.HashData(f.Data.Span))));
        }

        return (reader, frames);
    }

    /// <summary>
    /// Asserts that the frames of <paramref name="kind"/> match FFmpeg's packets one for one: count, size and MD5,
    /// key flag, and DTS/PTS in milliseconds wherever FFmpeg has them (its Matroska demuxer leaves the DTS of the
    /// first reordered frames unset; raw elementary streams have none).
    /// </summary>
    public static void AssertSame(DemuxedPackets expected, List<ReadFrame> frames, MediaKind kind, string what, bool keys = true)
    {
        IReadOnlyList<DemuxedPacket> packets = expected.Of(kind);
        List<ReadFrame> actual = [.. frames.Where(f => f.Kind == kind)];
        Assert.True(packets.Count > 0, $"{what}: FFmpeg lists no {kind} packets");
        for (int i = 0; i < Math.Min(packets.Count, actual.Count); i++)
        {
            DemuxedPacket p = packets[i];
            ReadFrame a = actual[i];
            bool same = p.Size == a.Size && p.Md5 == a.Md5
                && (!keys || p.Key == a.Key)
                && (p.DtsMs is null || p.DtsMs == a.DtsMs)
                && (p.PtsMs is null || p.PtsMs == a.PtsMs);
            Assert.True(same, $"{what}: {kind} frame {i} differs: FFmpeg dts {p.DtsMs?.ToString() ?? "-"} pts {p.PtsMs?.ToString() ?? "-"} key {(p.Key ? 1 : 0)} size {p.Size} md5 {p.Md5}; ours {a}");
        }

        Assert.True(packets.Count == actual.Count, $"{what}: FFmpeg has {packets.Count} {kind} packets, our reader gave {actual.Count}");
    }

    private static long FloorMs(TimeSpan time) => (long)Math.Floor(time.Ticks / (double)TimeSpan.TicksPerMillisecond);
}
