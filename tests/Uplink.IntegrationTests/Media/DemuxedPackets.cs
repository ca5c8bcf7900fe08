using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Media;

/// <summary>One packet as FFmpeg 8.1's demuxer gives it (a line of tests/peers/node-av/packets.js).</summary>
/// <param name="Stream">The stream index in the file.</param>
/// <param name="Kind">Video or audio.</param>
/// <param name="DtsMs">The DTS in milliseconds (rounded down), null where FFmpeg has none.</param>
/// <param name="PtsMs">The PTS in milliseconds (rounded down), null where FFmpeg has none.</param>
/// <param name="Key">The packet's key flag.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Md5">The MD5 of its data, lowercase hex.</param>
public sealed record DemuxedPacket(int Stream, MediaKind Kind, long? DtsMs, long? PtsMs, bool Key, int Size, string Md5);

/// <summary>The packets FFmpeg 8.1 demuxes from a file, in file order, and its streams' codec names.</summary>
/// <param name="Codecs">Each stream's FFmpeg codec name (hevc, av1, vp9, opus…) by kind; the first stream of a kind wins.</param>
/// <param name="Packets">Every video and audio packet, in file order.</param>
public sealed record DemuxedPackets(IReadOnlyDictionary<MediaKind, string> Codecs, IReadOnlyList<DemuxedPacket> Packets)
{
    /// <summary>The packets of the first stream of <paramref name="kind"/>, in order.</summary>
    public IReadOnlyList<DemuxedPacket> Of(MediaKind kind) =>
        Packets.Where(p => p.Kind == kind).GroupBy(p => p.Stream).FirstOrDefault()?.ToList() ?? [];

    /// <summary>Runs packets.js on <paramref name="file"/> (fails loudly when the peer is missing).</summary>
    public static async Task<DemuxedPackets> ReadAsync(string file)
    {
        var result = await ExternalProcess.RunAsync(FfmpegLibraries.Node, [FfmpegLibraries.Script("packets.js"), file], TimeSpan.FromSeconds(60), FfmpegLibraries.PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not list the packets of {file}: {result.Describe()}");
        }

        return Parse(result.StandardOutput);
    }

    /// <summary>Parses packets.js's output: <c>#stream N: v|a codec extradata_md5</c> lines, then packet lines.</summary>
    public static DemuxedPackets Parse(string text)
    {
        var codecs = new Dictionary<MediaKind, string>();
        var packets = new List<DemuxedPacket>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("#stream ", StringComparison.Ordinal))
            {
                var words = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                codecs.TryAdd(KindOf(words[0], line), words[1]);
                continue;
            }

            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length != 7)
            {
                throw new FormatException($"Unexpected packets.js line: {line}");
            }

            packets.Add(new DemuxedPacket(
                int.Parse(f[0], CultureInfo.InvariantCulture),
                KindOf(f[1], line),
                Time(f[2]),
                Time(f[3]),
                f[4] == "1",
                int.Parse(f[5], CultureInfo.InvariantCulture),
                f[6]));
        }

        return new DemuxedPackets(codecs, packets);
    }

    private static MediaKind KindOf(string kind, string line) => kind switch
    {
        "v" => MediaKind.Video,
        "a" => MediaKind.Audio,
        _ => throw new FormatException($"Unexpected stream kind in packets.js line: {line}"),
    };

    private static long? Time(string field) => field == "-" ? null : long.Parse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
