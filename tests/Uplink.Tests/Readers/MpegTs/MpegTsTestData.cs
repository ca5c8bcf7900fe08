using System.Globalization;
using Uplink.Media;

namespace Uplink.Tests.Readers.MpegTs;

/// <summary>The ffmpeg-made samples in TestData/MpegTs (see make-samples.sh there) and ffprobe's packet lists for them.</summary>
internal static class MpegTsTestData
{
    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(directory.FullName, "TestData", "MpegTs", fileName),
                Path.Combine(directory.FullName, "tests", "Uplink.Tests", "TestData", "MpegTs", fileName),
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

    public static byte[] Read(string fileName) => File.ReadAllBytes(PathOf(fileName));

    /// <summary>One line of ffprobe -show_packets: pts and dts on the 90 kHz clock, size (ADTS header included for audio).</summary>
    public sealed record ProbedPacket(MediaTrack Track, long Pts, long Dts, int Size, bool IsKeyframe);

    public static List<ProbedPacket> ReadPackets(string fileName)
    {
        var packets = new List<ProbedPacket>();
        foreach (string line in File.ReadAllLines(PathOf(fileName)))
        {
            string[] f = line.Split(',');
            packets.Add(new ProbedPacket(
                f[0] == "video" ? MediaTrack.Video : MediaTrack.Audio,
                long.Parse(f[1], CultureInfo.InvariantCulture),
                long.Parse(f[2], CultureInfo.InvariantCulture),
                int.Parse(f[3], CultureInfo.InvariantCulture),
                f[4].StartsWith('K')));
        }

        return packets;
    }
}
