using System.Globalization;
using Uplink.Media;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>The ffmpeg-made samples in TestData/Matroska (see make-samples.sh there) and ffprobe's packet lists for them.</summary>
internal static class MatroskaTestData
{
    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(directory.FullName, "TestData", "Matroska", fileName),
                Path.Combine(directory.FullName, "tests", "Uplink.Tests", "TestData", "Matroska", fileName),
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

    /// <summary>One packet as ffprobe -show_packets reported it, times in milliseconds (the samples' time base); Dts null for N/A.</summary>
    public sealed record ProbedPacket(MediaTrack Track, long Pts, long? Dts, int Size, long Position, bool IsKeyframe);

    /// <summary>The packets of a sample in file order (as ffprobe lists them for Matroska).</summary>
    public static List<ProbedPacket> ReadPackets(string fileName)
    {
        var packets = new List<ProbedPacket>();
        foreach (string line in File.ReadAllLines(PathOf(fileName + ".packets.csv")))
        {
            string[] f = line.Split(',');
            if (f[0] == "stream")
            {
                Assert.Equal("1/1000", f[2]);
                continue;
            }

            packets.Add(new ProbedPacket(
                f[1] == "video" ? MediaTrack.Video : MediaTrack.Audio,
                long.Parse(f[2], CultureInfo.InvariantCulture),
                f[3] == "N/A" ? null : long.Parse(f[3], CultureInfo.InvariantCulture),
                int.Parse(f[4], CultureInfo.InvariantCulture),
                long.Parse(f[5], CultureInfo.InvariantCulture),
                f[6].StartsWith('K')));
        }

        return packets;
    }
}
