using System.Buffers.Binary;
using System.Text;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>
/// A Matroska file as a tree of EBML elements, for tests: parsed from a sample (masters into children, everything else
/// kept as bytes), edited, and written back — with known sizes (minimal length) or unknown ones.
/// </summary>
internal sealed class EbmlElement
{
    public const uint Ebml = 0x1A45DFA3, DocType = 0x4282, DocTypeReadVersion = 0x4285, EbmlReadVersion = 0x42F7;
    public const uint Segment = 0x18538067, SeekHead = 0x114D9B74, Info = 0x1549A966, Tracks = 0x1654AE6B, Cluster = 0x1F43B675;
    public const uint Cues = 0x1C53BB6B, Tags = 0x1254C367, Attachments = 0x1941A469, Void = 0xEC, Crc32 = 0xBF;
    public const uint TimestampScale = 0x2AD7B1, Duration = 0x4489;
    public const uint TrackEntry = 0xAE, TrackNumber = 0xD7, TrackType = 0x83, CodecId = 0x86, CodecPrivate = 0x63A2;
    public const uint FlagDefault = 0x88, FlagEnabled = 0xB9, DefaultDuration = 0x23E383, Video = 0xE0, Audio = 0xE1;
    public const uint PixelWidth = 0xB0, PixelHeight = 0xBA, SamplingFrequency = 0xB5, OutputSamplingFrequency = 0x78B5, Channels = 0x9F;
    public const uint ContentEncodings = 0x6D80, ContentEncoding = 0x6240, ContentEncodingScope = 0x5032, ContentEncodingType = 0x5033;
    public const uint ContentCompression = 0x5034, ContentCompAlgo = 0x4254, ContentCompSettings = 0x4255, ContentEncryption = 0x5035;
    public const uint Timestamp = 0xE7, SimpleBlock = 0xA3, BlockGroup = 0xA0, Block = 0xA1, BlockDuration = 0x9B, ReferenceBlock = 0xFB;

    private static readonly HashSet<uint> Masters =
    [
        Ebml, Segment, SeekHead, Info, Tracks, TrackEntry, Video, Audio, ContentEncodings, ContentEncoding, ContentCompression, Cluster, BlockGroup,
    ];

    private static readonly HashSet<uint> ClusterChildren = [Timestamp, SimpleBlock, BlockGroup, Void, Crc32, 0xA7, 0xAB, 0x5854, 0xAF];

    public EbmlElement(uint id, byte[] data)
    {
        Id = id;
        Data = data;
    }

    public EbmlElement(uint id, params IEnumerable<EbmlElement> children)
    {
        Id = id;
        Children = [.. children];
    }

    public uint Id { get; }

    /// <summary>The data of an element that is not a master; null for a master.</summary>
    public byte[]? Data { get; set; }

    /// <summary>The children of a master; null for any other element.</summary>
    public List<EbmlElement>? Children { get; }

    /// <summary>Written with an unknown size (8 bytes, all ones) instead of its own.</summary>
    public bool UnknownSize { get; set; }

    /// <summary>Where the element's data started in the file it was parsed from; -1 for a new element.</summary>
    public long DataOffset { get; private init; } = -1;

    /// <summary>Where the element (its ID) started in the file it was parsed from; -1 for a new element.</summary>
    public long Offset { get; private init; } = -1;

    public static EbmlElement UInt(uint id, ulong value)
    {
        int length = 1;
        while (length < 8 && value >> (8 * length) != 0)
        {
            length++;
        }

        byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(value >> (8 * (length - 1 - i)));
        }

        return new EbmlElement(id, data);
    }

    public static EbmlElement Text(uint id, string value) => new(id, Encoding.UTF8.GetBytes(value));

    public static EbmlElement Float(uint id, double value)
    {
        byte[] data = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(data, value);
        return new EbmlElement(id, data);
    }

    /// <summary>The elements at the top of <paramref name="bytes"/>: the EBML header and the Segment, children parsed.</summary>
    public static List<EbmlElement> Parse(byte[] bytes)
    {
        int position = 0;
        return ParseChildren(bytes, ref position, bytes.Length, insideCluster: false);
    }

    public static byte[] Write(IEnumerable<EbmlElement> elements)
    {
        var output = new MemoryStream();
        foreach (EbmlElement element in elements)
        {
            element.WriteTo(output);
        }

        return output.ToArray();
    }

    public byte[] ToBytes() => Write([this]);

    /// <summary>This element and all below it, depth first.</summary>
    public IEnumerable<EbmlElement> Descendants()
    {
        yield return this;
        foreach (EbmlElement child in Children ?? [])
        {
            foreach (EbmlElement descendant in child.Descendants())
            {
                yield return descendant;
            }
        }
    }

    public EbmlElement Child(uint id) => Children!.First(c => c.Id == id);

    public ulong UIntValue => Data!.Aggregate(0UL, (value, b) => (value << 8) | b);

    /// <summary>Writes a variable-size integer in <paramref name="length"/> bytes (0: the fewest).</summary>
    public static byte[] VarInt(ulong value, int length = 0)
    {
        if (length == 0)
        {
            length = 1;
            while (value >= (1UL << (7 * length)) - 1)
            {
                length++;
            }
        }

        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(value >> (8 * (length - 1 - i)));
        }

        bytes[0] |= (byte)(0x80 >> (length - 1));
        return bytes;
    }

    public static byte[] IdBytes(uint id) => id > 0xFFFFFF ? [(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id]
        : id > 0xFFFF ? [(byte)(id >> 16), (byte)(id >> 8), (byte)id]
        : id > 0xFF ? [(byte)(id >> 8), (byte)id]
        : [(byte)id];

    private void WriteTo(Stream output)
    {
        byte[] data = Data ?? Write(Children!);
        output.Write(IdBytes(Id));
        output.Write(UnknownSize ? [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] : VarInt((ulong)data.Length));
        output.Write(data);
    }

    private static List<EbmlElement> ParseChildren(byte[] bytes, ref int position, int end, bool insideCluster)
    {
        var elements = new List<EbmlElement>();
        while (position < end)
        {
            int start = position;
            uint id = ReadId(bytes, ref position);
            if (insideCluster && !ClusterChildren.Contains(id))
            {
                position = start; // the end of an unknown-size cluster
                break;
            }

            ulong size = ReadSize(bytes, ref position, out bool unknown);
            int dataStart = position;
            if (Masters.Contains(id))
            {
                int childEnd = unknown ? end : dataStart + (int)size;
                List<EbmlElement> children = ParseChildren(bytes, ref position, childEnd, id == Cluster && unknown);
                elements.Add(new EbmlElement(id, children) { UnknownSize = unknown, DataOffset = dataStart, Offset = start });
                position = unknown ? position : childEnd;
            }
            else
            {
                elements.Add(new EbmlElement(id, bytes[dataStart..(dataStart + (int)size)]) { DataOffset = dataStart, Offset = start });
                position = dataStart + (int)size;
            }
        }

        return elements;
    }

    private static uint ReadId(byte[] bytes, ref int position)
    {
        int length = System.Numerics.BitOperations.LeadingZeroCount((uint)bytes[position]) - 23;
        uint id = 0;
        for (int i = 0; i < length; i++)
        {
            id = (id << 8) | bytes[position++];
        }

        return id;
    }

    private static ulong ReadSize(byte[] bytes, ref int position, out bool unknown)
    {
        int length = System.Numerics.BitOperations.LeadingZeroCount((uint)bytes[position]) - 23;
        ulong value = bytes[position++] & (0xFFUL >> length);
        for (int i = 1; i < length; i++)
        {
            value = (value << 8) | bytes[position++];
        }

        unknown = value == (1UL << (7 * length)) - 1;
        return value;
    }
}
