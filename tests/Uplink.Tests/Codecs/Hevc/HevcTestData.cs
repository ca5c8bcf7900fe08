using System.Globalization;
using Uplink.Codecs;

namespace Uplink.Tests.Codecs.Hevc;

/// <summary>One access unit of a committed stream, with what ffprobe and a decode without it said about it.</summary>
/// <param name="Data">The access unit, Annex-B.</param>
/// <param name="Key">ffprobe's K flag for the packet.</param>
/// <param name="PictType">The decoded frame's pict_type: I, P or B.</param>
/// <param name="Droppable">Decoding the stream without this access unit gives every other frame unchanged.</param>
public sealed record HevcTruthAccessUnit(byte[] Data, bool Key, string PictType, bool Droppable);

/// <summary>A committed x265 stream (TestData/Hevc/&lt;name&gt;.h265) with its hvcC files and ffprobe's view of it.</summary>
public sealed record HevcStreamCase(
    string Name, byte[] Stream, byte[] Hev1Record, byte[] Hvc1Record, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<HevcTruthAccessUnit> AccessUnits);

/// <summary>One line of TestData/Hevc/param-cases.txt: an x265 VPS/SPS/PPS, ffmpeg's hvcC for them, ffprobe's stream fields.</summary>
public sealed record HevcParamCase(
    string Name, byte[] Vps, byte[] Sps, byte[] Pps, byte[] FfmpegRecord, IReadOnlyDictionary<string, string> Fields);

/// <summary>Loads the HEVC test data (regenerate with TestData/Hevc/make-testdata.sh).</summary>
internal static class HevcTestData
{
    private static readonly Lazy<Dictionary<string, HevcStreamCase>> StreamsByName = new(LoadStreams);
    private static readonly Lazy<Dictionary<string, HevcParamCase>> ParamsByName = new(LoadParams);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Hevc");

    public static HevcStreamCase Main => StreamsByName.Value["x265-main"];

    public static HevcStreamCase Temporal => StreamsByName.Value["x265-temporal"];

    public static IReadOnlyDictionary<string, HevcStreamCase> Streams => StreamsByName.Value;

    public static IReadOnlyDictionary<string, HevcParamCase> Params => ParamsByName.Value;

    public static TheoryData<string> StreamNames() => [.. StreamsByName.Value.Keys];

    public static TheoryData<string> ParamNames() => [.. ParamsByName.Value.Keys];

    /// <summary>The NAL units of an Annex-B buffer, copied.</summary>
    public static List<byte[]> NalUnits(byte[] annexB)
    {
        var nals = new List<byte[]>();
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(annexB))
        {
            nals.Add(nal.ToArray());
        }

        return nals;
    }

    /// <summary>Parses "key=value;key=value;…" as ffprobe's fields were written.</summary>
    private static Dictionary<string, string> Fields(string line) =>
        line.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

    private static Dictionary<string, HevcStreamCase> LoadStreams()
    {
        var cases = new Dictionary<string, HevcStreamCase>();
        foreach (string name in (string[])["x265-main", "x265-temporal"])
        {
            byte[] stream = File.ReadAllBytes(Path.Combine(Directory, name + ".h265"));
            string[] truth = File.ReadAllLines(Path.Combine(Directory, name + ".truth.txt"));
            var units = new List<HevcTruthAccessUnit>();
            foreach (string line in truth.Skip(1).Where(l => l.Length > 0))
            {
                string[] f = line.Split(' ');
                int pos = int.Parse(f[0], CultureInfo.InvariantCulture);
                int size = int.Parse(f[1], CultureInfo.InvariantCulture);
                units.Add(new HevcTruthAccessUnit(stream[pos..(pos + size)], f[2] == "1", f[3], f[4] == "1"));
            }

            cases[name] = new HevcStreamCase(
                name,
                stream,
                File.ReadAllBytes(Path.Combine(Directory, name + ".hev1.hvcC")),
                File.ReadAllBytes(Path.Combine(Directory, name + ".hvc1.hvcC")),
                Fields(truth[0]),
                units);
        }

        return cases;
    }

    private static Dictionary<string, HevcParamCase> LoadParams() =>
        File.ReadAllLines(Path.Combine(Directory, "param-cases.txt"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('|'))
            .Select(f => new HevcParamCase(
                f[0], Convert.FromHexString(f[1]), Convert.FromHexString(f[2]), Convert.FromHexString(f[3]), Convert.FromHexString(f[4]),
                Fields(f[5])))
            .ToDictionary(c => c.Name);
}
