using System.Buffers.Binary;
using Uplink.Tests.Codecs;

namespace Uplink.Tests.Readers.Ivf;

/// <summary>IVF inputs for the reader's tests: the AV1 samples of TestData/Av1, or their frames written again.</summary>
internal static class IvfTestFiles
{
    /// <summary>The path of a TestData/Av1 IVF file.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "Av1", name);

    /// <summary>
    /// An IVF file of <paramref name="frames"/> repeated <paramref name="repeat"/> times, frame n at timestamp
    /// n × <paramref name="step"/>, with the FourCC and time base given.
    /// </summary>
    public static byte[] Build(IReadOnlyList<byte[]> frames, int repeat = 1, string fourCc = "AV01", uint numerator = 1, uint denominator = 25, long step = 1, int headerLength = 32)
    {
        using var output = new MemoryStream();
        byte[] header = new byte[Math.Max(headerLength, 32)];
        "DKIF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)headerLength);
        System.Text.Encoding.ASCII.GetBytes(fourCc).CopyTo(header, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), 160);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(14), 90);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), denominator);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), numerator);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)(frames.Count * repeat));
        output.Write(header);
        byte[] frameHeader = new byte[12];
        long n = 0;
        for (int r = 0; r < repeat; r++)
        {
            foreach (byte[] frame in frames)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(frameHeader, (uint)frame.Length);
                BinaryPrimitives.WriteInt64LittleEndian(frameHeader.AsSpan(4), n++ * step);
                output.Write(frameHeader);
                output.Write(frame);
            }
        }

        return output.ToArray();
    }

    /// <summary>The frames of a TestData/Av1 IVF file.</summary>
    public static IReadOnlyList<byte[]> Frames(string name) => IvfFile.Frames(PathOf(name));
}
