using Uplink.Codecs;

namespace Uplink.Tests.Session;

/// <summary>The tiny H.264 and ADTS streams in TestData/Session, split into access units and frames.</summary>
internal static class ElementaryStreams
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "Session");

    /// <summary>Access units in decode order: each starts at the start code of its access unit delimiter.</summary>
    public static IReadOnlyList<byte[]> VideoAccessUnits()
    {
        byte[] data = File.ReadAllBytes(Path.Combine(Folder, "video.h264"));
        var starts = new List<int>();
        for (int i = 0; i + 4 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1F) == (int)H264NalUnitType.AccessUnitDelimiter)
            {
                starts.Add(i > 0 && data[i - 1] == 0 ? i - 1 : i);
            }
        }

        var units = new List<byte[]>();
        for (int k = 0; k < starts.Count; k++)
        {
            int end = k + 1 < starts.Count ? starts[k + 1] : data.Length;
            units.Add(data[starts[k]..end]);
        }

        return units;
    }

    /// <summary>ADTS frames, each with its header.</summary>
    public static IReadOnlyList<byte[]> AdtsFrames()
    {
        byte[] data = File.ReadAllBytes(Path.Combine(Folder, "audio.aac"));
        var frames = new List<byte[]>();
        int at = 0;
        while (at < data.Length)
        {
            Assert.True(AdtsHeader.TryParse(data.AsSpan(at), out AdtsHeader h));
            frames.Add(data[at..(at + h.FrameLength)]);
            at += h.FrameLength;
        }

        return frames;
    }
}
