using System.Globalization;
using System.Security.Cryptography;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.Media;

namespace Uplink.IntegrationTests.Media;

/// <summary>One demuxed packet as tests/peers/node-av/packets.js prints it (times floored to milliseconds).</summary>
public sealed record FfmpegPacket(MediaKind Kind, long DtsMs, long PtsMs, bool IsKeyframe, int Size, string Md5)
{
    /// <summary>A frame of one of our readers in the same form: times floored to milliseconds, MD5 of the data.</summary>
    public static FfmpegPacket From(MediaFrame frame) => new(
        frame.Track == MediaTrack.Video ? MediaKind.Video : MediaKind.Audio,
        FloorMs(frame.Dts),
        FloorMs(frame.Pts),
        frame.IsKeyframe,
        frame.Data.Length,
        Md5Of(frame.Data.Span));

    /// <summary>Lower-case hex MD5, as packets.js prints it.</summary>
    public static string Md5Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    /// <summary>Milliseconds rounded towards negative infinity, as packets.js's Math.floor.</summary>
    public static long FloorMs(TimeSpan time) => (long)Math.Floor(time.Ticks / (double)TimeSpan.TicksPerMillisecond);

    /// <summary>FFmpeg's stream index of the packet (0 for a frame of ours).</summary>
    public int Stream { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{(Kind == MediaKind.Video ? "v" : "a")}, {DtsMs}, {PtsMs}, {(IsKeyframe ? 1 : 0)}, {Size}, {Md5}");
}

/// <summary>The packets FFmpeg 8.1's demuxer reads from a file (tests/peers/node-av/packets.js), per stream kind.</summary>
public sealed record FfmpegPackets(IReadOnlyList<string> StreamLines, IReadOnlyList<FfmpegPacket> Packets)
{
    /// <summary>A DTS or PTS FFmpeg does not have (its Matroska demuxer leaves the first reordered frames' DTS unset).</summary>
    public const long NoTime = long.MinValue;

    /// <summary>The packets of one kind, in file order.</summary>
    public IReadOnlyList<FfmpegPacket> Of(MediaKind kind) => [.. Packets.Where(p => p.Kind == kind)];

    /// <summary>FFmpeg's codec name (hevc, av1, vp9, opus …) of the first stream of <paramref name="kind"/>.</summary>
    public string Codec(MediaKind kind) =>
        StreamLines.Select(l => l.Split(' ')).First(f => f.Length >= 4 && f[2] == (kind == MediaKind.Video ? "v" : "a"))[3];

    /// <summary>Runs packets.js on <paramref name="file"/>; <paramref name="ignoreEditList"/> asks for raw MP4 sample-table times.</summary>
    public static async Task<FfmpegPackets> ReadAsync(string file, bool ignoreEditList = false)
    {
        List<string> arguments = [FfmpegLibraries.Script("packets.js"), file];
        if (ignoreEditList)
        {
            arguments.Add("--ignore-editlist");
        }

        var result = await ExternalProcess.RunAsync(FfmpegLibraries.Node, arguments, TimeSpan.FromSeconds(60), FfmpegLibraries.PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not list the packets of {file}: {result.Describe()}");
        }

        var streams = new List<string>();
        var packets = new List<FfmpegPacket>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                streams.Add(line);
                continue;
            }

            var f = line.Split(", ");
            packets.Add(new FfmpegPacket(
                f[1] == "v" ? MediaKind.Video : MediaKind.Audio,
                ParseMs(f[2]),
                ParseMs(f[3]),
                f[4] == "1",
                int.Parse(f[5], CultureInfo.InvariantCulture),
                f[6]) { Stream = int.Parse(f[0], CultureInfo.InvariantCulture) });
        }

        return new FfmpegPackets(streams, packets);
    }

    /// <summary>A time in ms; "-" (no timestamp) as <see cref="NoTime"/>, which no frame of ours has.</summary>
    private static long ParseMs(string text) => text == "-" ? NoTime : long.Parse(text, CultureInfo.InvariantCulture);
}
