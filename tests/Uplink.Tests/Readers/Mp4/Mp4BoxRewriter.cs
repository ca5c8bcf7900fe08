using System.Buffers.Binary;
using System.Text;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>Rewrites sample tables of a test file into their other legal forms (stz2, co64).</summary>
internal static class Mp4BoxRewriter
{
    /// <summary>Replaces a box, growing or shrinking its ancestors (which must have 32-bit sizes).</summary>
    public static byte[] Replace(byte[] file, Mp4BoxLayout box, byte[] replacement)
    {
        byte[] result = [.. file.AsSpan(0, box.Offset), .. replacement, .. file.AsSpan(box.Offset + box.Size)];
        int delta = replacement.Length - box.Size;
        foreach (int ancestor in box.AncestorOffsets)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(result.AsSpan(ancestor));
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(ancestor), (uint)(size + delta));
        }

        return result;
    }

    /// <summary>An stz2 box with 16-bit sizes holding the sizes of an stsz box with a size table.</summary>
    public static byte[] CompactSizes(byte[] file, Mp4BoxLayout stsz)
    {
        int count = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(stsz.Offset + 16));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(stsz.Offset + 12)));
        byte[] box = new byte[20 + (2 * count)];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes("stz2").CopyTo(box, 4);
        box[15] = 16;
        BinaryPrimitives.WriteUInt32BigEndian(box.AsSpan(16), (uint)count);
        for (int i = 0; i < count; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(stsz.Offset + 20 + (4 * i)));
            BinaryPrimitives.WriteUInt16BigEndian(box.AsSpan(20 + (2 * i)), checked((ushort)size));
        }

        return box;
    }

    /// <summary>A co64 box with the offsets of an stco box.</summary>
    public static byte[] LargeChunkOffsets(byte[] file, Mp4BoxLayout stco)
    {
        int count = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(stco.Offset + 12));
        byte[] box = new byte[16 + (8 * count)];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes("co64").CopyTo(box, 4);
        BinaryPrimitives.WriteUInt32BigEndian(box.AsSpan(12), (uint)count);
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(box.AsSpan(16 + (8 * i)), BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(stco.Offset + 16 + (4 * i))));
        }

        return box;
    }
}
