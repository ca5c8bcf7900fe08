using System.Buffers.Binary;

namespace Uplink.Tests.Codecs;

/// <summary>Reads the frames of an IVF file (a 32-byte "DKIF" header, then a 12-byte header before each frame).</summary>
internal static class IvfFile
{
    private static readonly Dictionary<string, IReadOnlyList<byte[]>> Cache = [];

    /// <summary>The frames of <paramref name="path"/>, read once per test run.</summary>
    public static IReadOnlyList<byte[]> Frames(string path)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out IReadOnlyList<byte[]>? frames))
            {
                frames = ReadFrames(path);
                Cache[path] = frames;
            }

            return frames;
        }
    }

    public static IReadOnlyList<byte[]> ReadFrames(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        Assert.Equal("DKIF"u8.ToArray(), data[..4]);
        int headerSize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(6));
        var frames = new List<byte[]>();
        int at = headerSize;
        while (at + 12 <= data.Length)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
            frames.Add(data.AsSpan(at + 12, size).ToArray());
            at += 12 + size;
        }

        Assert.Equal(data.Length, at);
        return frames;
    }
}
