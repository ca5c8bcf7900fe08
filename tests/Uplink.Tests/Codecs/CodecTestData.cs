using System.Globalization;
using System.Runtime.CompilerServices;

namespace Uplink.Tests.Codecs;

/// <summary>One line of TestData/Codecs/sps-cases.txt: an x264 SPS/PPS with what ffprobe and ffmpeg's FLV muxer made of it.</summary>
public sealed record SpsCase(
    string Name, byte[] Sps, byte[] Pps, int Width, int Height, string Profile, int Level, double FrameRate, byte[] FfmpegAvcC,
    string SampleAspectRatio);

/// <summary>
/// One line of TestData/Codecs/aac-cases.txt: an ffmpeg ADTS stream, the AudioSpecificConfig ffmpeg's encoder wrote to
/// FLV, and the one ffmpeg wrote when remuxing the ADTS stream to FLV.
/// </summary>
public sealed record AacCase(
    string Name, byte[] Adts, byte[] FfmpegAsc, int SampleRate, int Channels, int FrameCount, byte[] FfmpegRemuxAsc);

/// <summary>Loads the ffmpeg-generated cases (regenerate with TestData/Codecs/make-sps-cases.sh).</summary>
internal static class CodecTestData
{
    private static readonly Lazy<Dictionary<string, SpsCase>> SpsCasesByName = new(LoadSpsCases);
    private static readonly Lazy<Dictionary<string, AacCase>> AacCasesByName = new(LoadAacCases);

    public static IReadOnlyDictionary<string, SpsCase> SpsCases => SpsCasesByName.Value;

    public static IReadOnlyDictionary<string, AacCase> AacCases => AacCasesByName.Value;

    public static TheoryData<string> SpsCaseNames()
    {
        var names = new TheoryData<string>();
        foreach (string name in SpsCases.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    public static TheoryData<string> AacCaseNames()
    {
        var names = new TheoryData<string>();
        foreach (string name in AacCases.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static string DataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "TestData", "Codecs");

    private static IEnumerable<string[]> Lines(string file) =>
        File.ReadAllLines(Path.Combine(DataDirectory(), file))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('|'));

    private static Dictionary<string, SpsCase> LoadSpsCases() =>
        Lines("sps-cases.txt").Select(f => new SpsCase(
            f[0], Hex(f[1]), Hex(f[2]), Int(f[3]), Int(f[4]), f[5], Int(f[6]), Rate(f[7]), Hex(f[8]), f[9]))
        .ToDictionary(c => c.Name);

    private static Dictionary<string, AacCase> LoadAacCases() =>
        Lines("aac-cases.txt").Select(f => new AacCase(f[0], Hex(f[1]), Hex(f[2]), Int(f[3]), Int(f[4]), Int(f[5]), Hex(f[6])))
        .ToDictionary(c => c.Name);

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static double Rate(string text)
    {
        string[] parts = text.Split('/');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
