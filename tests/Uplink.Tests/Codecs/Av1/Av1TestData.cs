using System.Globalization;
using System.Runtime.CompilerServices;

namespace Uplink.Tests.Codecs.Av1;

/// <summary>
/// One line of TestData/Av1/av1-cases.txt (see make-av1-cases.sh): an AV1 stream from ffmpeg's encoders with what
/// ffmpeg's MP4 muxer, ffprobe and the trace_headers filter made of it; the temporal units come from the IVF file.
/// </summary>
public sealed record Av1Case(
    string Name,
    byte[] EncodedAv1C,
    byte[] RemuxedAv1C,
    string Profile,
    int Level,
    int Width,
    int Height,
    string PixelFormat,
    string ColorRange,
    string ColorSpace,
    string ColorTransfer,
    string ColorPrimaries,
    string FrameRate,
    string PacketKeyFlags,
    string DecodedKeyFrames,
    int[] Mp4SampleSizes,
    string[][] TraceFrames)
{
    /// <summary>The temporal units as ffmpeg's IVF muxer wrote them: each starts with a temporal delimiter.</summary>
    public IReadOnlyList<byte[]> TemporalUnits => field ??= Av1TestData.TemporalUnits(Name); // held: the allocation tests read it in their measured loops
}

internal static class Av1TestData
{
    private static readonly Lazy<Dictionary<string, Av1Case>> CasesByName = new(Load);

    public static IReadOnlyDictionary<string, Av1Case> Cases => CasesByName.Value;

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (string name in Cases.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    public static IReadOnlyList<byte[]> TemporalUnits(string name) => IvfFile.Frames(Path.Combine(DataDirectory(), name + ".ivf"));

    public static string DataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "TestData", "Av1");

    private static Dictionary<string, Av1Case> Load() =>
        File.ReadAllLines(Path.Combine(DataDirectory(), "av1-cases.txt"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('|'))
            .Select(f => new Av1Case(
                f[0], Convert.FromHexString(f[1]), Convert.FromHexString(f[2]), f[3], Int(f[4]), Int(f[5]), Int(f[6]), f[7], f[8],
                f[9], f[10], f[11], f[12], f[13], f[14], [.. f[15].Split(',').Select(Int)],
                [.. f[16].Split(',').Select(packet => packet.Split('/'))]))
            .ToDictionary(c => c.Name);

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
