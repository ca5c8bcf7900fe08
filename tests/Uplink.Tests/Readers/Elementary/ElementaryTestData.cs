using System.Globalization;
using Uplink.Media;

namespace Uplink.Tests.Readers.Elementary;

/// <summary>The ffmpeg-made streams of TestData/Elementary (see make-testdata.sh) and ways to read them whole.</summary>
internal static class ElementaryTestData
{
    public static readonly string[] VideoNames = ["bf0-aud", "baseline", "bf2", "bf2-flat", "bf2-aud", "bf3-pyramid", "bf3-direct", "slices4"];

    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
            {
                Path.Combine(directory.FullName, "TestData", "Elementary", fileName),
                Path.Combine(directory.FullName, "tests", "Uplink.Tests", "TestData", "Elementary", fileName),
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

    /// <summary>ffprobe's packets of the same bitstream muxed in MP4, in decode order: (pts, dts) in frames, keyframe.</summary>
    public static List<(long Pts, long Dts, bool Key)> Truth(string name)
    {
        var packets = new List<(long, long, bool)>();
        foreach (string line in File.ReadAllLines(PathOf(name + ".truth.txt")))
        {
            string[] f = line.Split(' ');
            packets.Add((long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), f[2] == "1"));
        }

        return packets;
    }

    public static int FfprobeFrameCount(string name) => int.Parse(File.ReadAllText(PathOf(name + ".count.txt")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>A frame copied out of the reader (its data is only valid until the next read).</summary>
    public sealed record Frame(MediaTrack Track, TimeSpan Dts, TimeSpan Pts, bool IsKeyframe, byte[] Data)
    {
        public bool Equals(Frame? other) => other is not null && Track == other.Track && Dts == other.Dts && Pts == other.Pts
            && IsKeyframe == other.IsKeyframe && Data.AsSpan().SequenceEqual(other.Data);

        public override int GetHashCode() => HashCode.Combine(Track, Dts, Pts, Data.Length);
    }

    public static async Task<List<Frame>> ReadAllAsync(ElementaryStreamReader reader, int limit = 1_000_000)
    {
        var frames = new List<Frame>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            frames.Add(new Frame(f.Track, f.Dts, f.Pts, f.IsKeyframe, f.Data.ToArray()));
            if (frames.Count > limit)
            {
                throw new InvalidOperationException("too many frames");
            }
        }

        return frames;
    }

    public static async Task<List<Frame>> ReadAllAsync(byte[]? video, byte[]? audio, ElementaryStreamOptions? elementary = null, List<string>? warnings = null)
    {
        var options = new MediaReaderOptions { OnWarning = warnings is null ? null : warnings.Add };
        await using ElementaryStreamReader reader = await ElementaryStreamReader.OpenAsync(
            video is null ? null : new MemoryStream(video), audio is null ? null : new MemoryStream(audio), elementary, options);
        return await ReadAllAsync(reader);
    }

    /// <summary>The NAL unit types of an Annex-B access unit, in order.</summary>
    public static List<int> NalTypes(ReadOnlySpan<byte> accessUnit)
    {
        var types = new List<int>();
        for (int i = 0; i + 3 < accessUnit.Length; i++)
        {
            if (accessUnit[i] == 0 && accessUnit[i + 1] == 0 && accessUnit[i + 2] == 1)
            {
                types.Add(accessUnit[i + 3] & 0x1F);
                i += 3;
            }
        }

        return types;
    }
}
