using System.Buffers.Binary;
using System.Text;

namespace Uplink.Tests.Readers.Mp4;

/// <summary>The boxes of a test file (top level, and inside the containers the reader walks), for patching.</summary>
internal sealed record Mp4BoxLayout(string Type, int Offset, int Size, int HeaderSize, IReadOnlyList<int> AncestorOffsets)
{
    private static readonly HashSet<string> Containers = ["moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf", "edts", "dinf"];

    public static List<Mp4BoxLayout> Walk(byte[] file)
    {
        var boxes = new List<Mp4BoxLayout>();
        Walk(file, 0, file.Length, [], boxes);
        return boxes;
    }

    public static Mp4BoxLayout Find(byte[] file, string type) => Walk(file).First(b => b.Type == type);

    private static void Walk(byte[] file, int start, int end, List<int> ancestors, List<Mp4BoxLayout> boxes)
    {
        int at = start;
        while (end - at >= 8)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            int header = 8;
            if (size == 1)
            {
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(at + 8));
                header = 16;
            }
            else if (size == 0)
            {
                size = end - at;
            }

            if (size < header || size > end - at)
            {
                return;
            }

            string type = Encoding.ASCII.GetString(file, at + 4, 4);
            boxes.Add(new Mp4BoxLayout(type, at, (int)size, header, [.. ancestors]));
            if (Containers.Contains(type))
            {
                ancestors.Add(at);
                Walk(file, at + header, at + (int)size, ancestors, boxes);
                ancestors.RemoveAt(ancestors.Count - 1);
            }

            at += (int)size;
        }
    }
}
