using System.Globalization;
using Uplink.Media;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>The ffmpeg-made samples in TestData/Mp4 (see make-samples.sh) and ffprobe's packet lists for them.</summary>
internal static class Mp4TestData
{
    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(directory.FullName, "TestData", "Mp4", fileName),
                Path.Combine(directory.FullName, "tests", "Uplink.Tests", "TestData", "Mp4", fileName),
            })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"test data {fileName} not found above {AppContext.BaseDirectory}");
    }

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(PathOf(fileName));

    /// <summary>One packet as ffprobe -show_packets reported it, times in the stream's time base.</summary>
    public sealed record ProbedPacket(MediaTrack Track, long Pts, long Dts, int Size, long Position, bool IsKeyframe);

    /// <summary>The packets of a sample, in file (position) order, and each track's time base denominator.</summary>
    public static (List<ProbedPacket> Packets, Dictionary<MediaTrack, long> Timescales) ReadPackets(string fileName)
    {
        var packets = new List<ProbedPacket>();
        var timescales = new Dictionary<MediaTrack, long>();
        foreach (string line in File.ReadAllLines(PathOf(fileName + ".packets.csv")))
        {
            string[] f = line.Split(',');
            MediaTrack track = f[1] == "video" ? MediaTrack.Video : MediaTrack.Audio;
            if (f[0] == "stream")
            {
                string[] timeBase = f[2].Split('/');
                Assert.Equal("1", timeBase[0]);
                timescales[track] = long.Parse(timeBase[1], CultureInfo.InvariantCulture);
                continue;
            }

            packets.Add(new ProbedPacket(
                track,
                long.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture),
                int.Parse(f[4], CultureInfo.InvariantCulture),
                long.Parse(f[5], CultureInfo.InvariantCulture),
                f[6].StartsWith('K')));
        }

        // ffprobe orders progressive packets by decode time within a second; the reader goes by file offset.
        return (packets.OrderBy(p => p.Position).ToList(), timescales);
    }

    /// <summary>A time in 1/<paramref name="timescale"/> s as the reader converts it (exactly, rounding down).</summary>
    public static TimeSpan ToTime(long value, long timescale)
    {
        Int128 ticks = (Int128)value * TimeSpan.TicksPerSecond;
        Int128 quotient = ticks / timescale;
        if (ticks % timescale < 0)
        {
            quotient--;
        }

        return TimeSpan.FromTicks((long)quotient);
    }
}
