using System.Runtime.CompilerServices;

namespace Uplink.Tests.Codecs.Vp9;

/// <summary>
/// One line of TestData/Vp9/vp9-cases.txt (see make-vp9-cases.sh): a libvpx-vp9 stream with what ffmpeg's MP4 muxer,
/// ffprobe and the trace_headers filter made of it; the samples come from the IVF file.
/// </summary>
public sealed record Vp9Case(
    string Name,
    byte[] EncodedVpcC,
    byte[] RemuxedVpcC,
    string Profile,
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
    string[][] TraceFrames)
{
    /// <summary>The samples (frames or superframes) as ffmpeg's IVF muxer wrote them.</summary>
    public IReadOnlyList<byte[]> Samples => field ??= Vp9TestData.Samples(Name); // held: the allocation tests read it in their measured loops
}

internal static class Vp9TestData
{
    private static readonly Lazy<Dictionary<string, Vp9Case>> CasesByName = new(Load);

    public static IReadOnlyDictionary<string, Vp9Case> Cases => CasesByName.Value;

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (string name in Cases.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    public static IReadOnlyList<byte[]> Samples(string name) => IvfFile.Frames(Path.Combine(DataDirectory(), name + ".ivf"));

    private static string DataDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "TestData", "Vp9");

    private static Dictionary<string, Vp9Case> Load() =>
        File.ReadAllLines(Path.Combine(DataDirectory(), "vp9-cases.txt"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('|'))
            .Select(f => new Vp9Case(
                f[0], Convert.FromHexString(f[1]), Convert.FromHexString(f[2]), f[3], int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture), f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13],
                [.. f[14].Split(',').Select(sample => sample.Split('/'))]))
            .ToDictionary(c => c.Name);
}
