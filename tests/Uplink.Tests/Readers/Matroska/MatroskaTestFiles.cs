using System.Buffers.Binary;
using static Uplink.Tests.Readers.Matroska.EbmlElement;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>How a test block stores several frames (public: theory data).</summary>
public enum Lacing
{
    None,
    Xiph,
    Fixed,
    Ebml,
}

/// <summary>
/// Matroska files for tests that ffmpeg 5.1 does not write: the samples rewritten (unknown sizes, BlockGroups, laced
/// audio, header stripping), and small files built from scratch around the samples' decoder configurations.
/// </summary>
internal static class MatroskaTestFiles
{
    public const ulong VideoTrackNumber = 1;
    public const ulong AudioTrackNumber = 2;

    /// <summary>The avcC of the samples' video track (High, 320x180, max_num_reorder_frames 2).</summary>
    public static byte[] AvcC => Track(Sample("standard.mkv"), VideoTrackNumber).Child(CodecPrivate).Data!;

    /// <summary>The AudioSpecificConfig of the samples' audio track (AAC LC, 44.1 kHz, stereo).</summary>
    public static byte[] Asc => Track(Sample("standard.mkv"), AudioTrackNumber).Child(CodecPrivate).Data!;

    public static List<EbmlElement> Sample(string fileName) => Parse(MatroskaTestData.Bytes(fileName));

    public static EbmlElement SegmentOf(List<EbmlElement> file) => file.First(e => e.Id == Segment);

    public static EbmlElement Track(List<EbmlElement> file, ulong number) =>
        SegmentOf(file).Child(Tracks).Children!.First(t => t.Id == TrackEntry && t.Child(TrackNumber).UIntValue == number);

    public static IEnumerable<EbmlElement> Clusters(List<EbmlElement> file) => SegmentOf(file).Children!.Where(e => e.Id == Cluster);

    /// <summary>The sample with an unknown-size Segment and Clusters, as a live muxer writes them.</summary>
    public static byte[] WithUnknownSizes(string fileName)
    {
        List<EbmlElement> file = Sample(fileName);
        SegmentOf(file).UnknownSize = true;
        foreach (EbmlElement cluster in Clusters(file))
        {
            cluster.UnknownSize = true;
        }

        return Write(file);
    }

    /// <summary>The sample with every SimpleBlock a BlockGroup: its Block, and a ReferenceBlock unless it was a keyframe.</summary>
    public static byte[] WithBlockGroups(string fileName, bool withDuration = false)
    {
        List<EbmlElement> file = Sample(fileName);
        foreach (EbmlElement cluster in Clusters(file))
        {
            for (int i = 0; i < cluster.Children!.Count; i++)
            {
                EbmlElement block = cluster.Children[i];
                if (block.Id != SimpleBlock)
                {
                    continue;
                }

                byte[] data = (byte[])block.Data!.Clone();
                int flagsAt = ReadBlockHeader(data).HeaderLength - 1;
                bool keyframe = (data[flagsAt] & 0x80) != 0;
                data[flagsAt] &= 0x7F; // a Block has no keyframe flag
                List<EbmlElement> children = [new EbmlElement(Block, data)];
                if (!keyframe)
                {
                    children.Add(new EbmlElement(ReferenceBlock, [0xD8])); // -40: any reference makes it a non-keyframe
                }

                if (withDuration)
                {
                    children.Add(UInt(BlockDuration, 23));
                }

                cluster.Children[i] = new EbmlElement(BlockGroup, children);
            }
        }

        return Write(file);
    }

    /// <summary>
    /// The sample with the audio blocks of each cluster laced, <paramref name="perBlock"/> frames a block (a block where
    /// the first of them was); the other tracks' blocks stay.
    /// </summary>
    public static byte[] WithLacedAudio(string fileName, Lacing lacing, int perBlock)
    {
        List<EbmlElement> file = Sample(fileName);
        foreach (EbmlElement cluster in Clusters(file))
        {
            List<EbmlElement> audio = cluster.Children!.Where(c => c.Id == SimpleBlock && ReadBlockHeader(c.Data!).Track == AudioTrackNumber).ToList();
            foreach (EbmlElement[] group in audio.Chunk(perBlock))
            {
                (ulong track, short relative, byte flags, int headerLength) = ReadBlockHeader(group[0].Data!);
                byte[][] frames = [.. group.Select(b => b.Data![headerLength..])];
                int at = cluster.Children!.IndexOf(group[0]);
                cluster.Children[at] = new EbmlElement(SimpleBlock, BlockData(track, relative, flags, lacing, frames));
                foreach (EbmlElement laced in group.Skip(1))
                {
                    cluster.Children.Remove(laced);
                }
            }
        }

        return Write(file);
    }

    /// <summary>
    /// The sample with the first <paramref name="count"/> bytes of every video frame removed and declared as header
    /// stripping (ContentCompAlgo 3), as old mkvmerge versions wrote; they must be the same in every frame.
    /// </summary>
    public static byte[] WithHeaderStripping(string fileName, int count, ulong scope = 1)
    {
        List<EbmlElement> file = Sample(fileName);
        byte[]? prefix = null;
        foreach (EbmlElement block in Clusters(file).SelectMany(c => c.Children!).Where(c => c.Id == SimpleBlock))
        {
            (ulong track, _, _, int headerLength) = ReadBlockHeader(block.Data!);
            if (track != VideoTrackNumber)
            {
                continue;
            }

            prefix ??= block.Data![headerLength..(headerLength + count)];
            Assert.True(block.Data!.AsSpan(headerLength, count).SequenceEqual(prefix));
            block.Data = [.. block.Data.AsSpan(0, headerLength), .. block.Data.AsSpan(headerLength + count)];
        }

        Track(file, VideoTrackNumber).Children!.Add(ContentEncodingOf(scope, 0, 3, prefix!));
        return Write(file);
    }

    /// <summary>A ContentEncodings element with one ContentEncoding.</summary>
    public static EbmlElement ContentEncodingOf(ulong scope, ulong type, ulong algorithm, byte[] settings) =>
        new(ContentEncodings, new EbmlElement(ContentEncoding, UInt(ContentEncodingScope, scope), UInt(ContentEncodingType, type),
            new EbmlElement(ContentCompression, UInt(ContentCompAlgo, algorithm), new EbmlElement(ContentCompSettings, settings))));

    /// <summary>A whole file: the EBML header with <paramref name="docType"/>, and a Segment holding <paramref name="segmentChildren"/>.</summary>
    public static byte[] Build(IEnumerable<EbmlElement> segmentChildren, string docType = "matroska", bool unknownSize = false) =>
        Write([Header(docType), new EbmlElement(Segment, segmentChildren) { UnknownSize = unknownSize }]);

    public static EbmlElement Header(string docType = "matroska", ulong readVersion = 2) =>
        new(Ebml, UInt(EbmlReadVersion, 1), Text(DocType, docType), UInt(DocTypeReadVersion, readVersion));

    public static EbmlElement InfoOf(ulong scale = 1_000_000, double? duration = null) =>
        new(Info, duration is double d ? [UInt(TimestampScale, scale), Float(Duration, d)] : [UInt(TimestampScale, scale)]);

    public static EbmlElement VideoTrack(ulong number = VideoTrackNumber, byte[]? avcC = null, ulong defaultDuration = 40_000_000, string codecId = "V_MPEG4/ISO/AVC")
    {
        List<EbmlElement> children = [UInt(TrackNumber, number), UInt(TrackType, 1), Text(CodecId, codecId)];
        if (defaultDuration > 0)
        {
            children.Add(UInt(DefaultDuration, defaultDuration));
        }

        children.Add(new EbmlElement(CodecPrivate, avcC ?? AvcC));
        children.Add(new EbmlElement(Video, UInt(PixelWidth, 320), UInt(PixelHeight, 180)));
        return new EbmlElement(TrackEntry, children);
    }

    public static EbmlElement AudioTrack(ulong number = AudioTrackNumber, byte[]? asc = null, string codecId = "A_AAC", double rate = 44100, ulong channels = 2, bool withCodecPrivate = true)
    {
        List<EbmlElement> children = [UInt(TrackNumber, number), UInt(TrackType, 2), Text(CodecId, codecId)];
        if (withCodecPrivate)
        {
            children.Add(new EbmlElement(CodecPrivate, asc ?? Asc));
        }

        children.Add(new EbmlElement(Audio, Float(SamplingFrequency, rate), UInt(Channels, channels)));
        return new EbmlElement(TrackEntry, children);
    }

    public static EbmlElement TracksOf(params EbmlElement[] entries) => new(Tracks, entries);

    public static EbmlElement ClusterOf(ulong timestamp, params IEnumerable<EbmlElement> children) => new(Cluster, [UInt(Timestamp, timestamp), .. children]);

    public static EbmlElement SimpleBlockOf(ulong track, short relative, bool keyframe, params byte[][] frames) =>
        new(SimpleBlock, BlockData(track, relative, keyframe ? (byte)0x80 : (byte)0, frames.Length > 1 ? Lacing.Xiph : Lacing.None, frames));

    /// <summary>A block's data: track number, relative timestamp, flags (lacing bits set here), lace header, frames.</summary>
    public static byte[] BlockData(ulong track, short relative, byte flags, Lacing lacing, params byte[][] frames)
    {
        var output = new MemoryStream();
        output.Write(VarInt(track));
        output.Write([(byte)(relative >> 8), (byte)relative, (byte)((flags & ~0x06) | ((int)lacing << 1 & 0x06))]);
        if (lacing != Lacing.None)
        {
            output.WriteByte((byte)(frames.Length - 1));
            for (int i = 0; i < frames.Length - 1; i++)
            {
                switch (lacing)
                {
                    case Lacing.Xiph:
                        int size = frames[i].Length;
                        for (; size >= 255; size -= 255)
                        {
                            output.WriteByte(255);
                        }

                        output.WriteByte((byte)size);
                        break;
                    case Lacing.Ebml:
                        output.Write(i == 0 ? VarInt((ulong)frames[0].Length) : SignedVarInt(frames[i].Length - frames[i - 1].Length));
                        break;
                }
            }
        }

        foreach (byte[] frame in frames)
        {
            output.Write(frame);
        }

        return output.ToArray();
    }

    /// <summary>A signed variable-size integer (EBML lacing): the value plus half the range of the fewest bytes that hold it.</summary>
    public static byte[] SignedVarInt(long value)
    {
        for (int length = 1; length <= 8; length++)
        {
            long bias = (1L << ((7 * length) - 1)) - 1;
            if (value >= -bias && value <= bias)
            {
                return VarInt((ulong)(value + bias), length);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value));
    }

    public static (ulong Track, short Relative, byte Flags, int HeaderLength) ReadBlockHeader(byte[] data)
    {
        int length = System.Numerics.BitOperations.LeadingZeroCount((uint)data[0]) - 23;
        ulong track = data[0] & (0xFFUL >> length);
        for (int i = 1; i < length; i++)
        {
            track = (track << 8) | data[i];
        }

        return (track, BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(length)), data[length + 2], length + 3);
    }
}
