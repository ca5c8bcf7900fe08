using System.Buffers.Binary;

namespace Uplink.Media;

/// <summary>Tells formats apart from their first bytes — never from a file name.</summary>
public static class MediaFormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> wants to see (fewer work when the input is shorter).</summary>
    public const int HeadLength = 4096;

    private static readonly string[] IsoTopLevelBoxes = ["ftyp", "moov", "mdat", "free", "skip", "wide", "styp", "moof", "pnot", "uuid", "sidx"];

    /// <summary>Detects the format of an input from its first bytes.</summary>
    public static MediaFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 'F' && head[1] == 'L' && head[2] == 'V')
        {
            return MediaFormat.Flv;
        }

        // The EBML header's ID; DocType "matroska" or "webm" is checked by the reader, which names any other.
        if (head.Length >= 4 && head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF && head[3] == 0xA3)
        {
            return MediaFormat.Matroska;
        }

        if (head.Length >= 4 && head[..4].SequenceEqual("DKIF"u8))
        {
            return MediaFormat.Ivf;
        }

        if (head.Length >= 8 && IsIsoBox(head))
        {
            return MediaFormat.Mp4;
        }

        if (LooksLikeTransportStream(head, 188, 0) || LooksLikeTransportStream(head, 192, 4))
        {
            return MediaFormat.MpegTs;
        }

        if (ElementaryStreamReader.LooksLikeAdts(head))
        {
            return MediaFormat.AacAdts;
        }

        if (ElementaryStreamReader.LooksLikeHevcAnnexB(head))
        {
            return MediaFormat.HevcAnnexB;
        }

        if (ElementaryStreamReader.LooksLikeAnnexB(head))
        {
            return MediaFormat.H264AnnexB;
        }

        return MediaFormat.Unknown;
    }

    /// <summary>A display name for messages: "FLV", "MP4", "MPEG-TS", "H.264 Annex-B", "AAC ADTS", "Matroska", "IVF", "HEVC Annex-B".</summary>
    public static string Name(MediaFormat format) => format switch
    {
        MediaFormat.Flv => "FLV",
        MediaFormat.Mp4 => "MP4",
        MediaFormat.MpegTs => "MPEG-TS",
        MediaFormat.H264AnnexB => "H.264 Annex-B",
        MediaFormat.AacAdts => "AAC ADTS",
        MediaFormat.Matroska => "Matroska",
        MediaFormat.Ivf => "IVF",
        MediaFormat.HevcAnnexB => "HEVC Annex-B",
        _ => "unknown",
    };

    private static bool IsIsoBox(ReadOnlySpan<byte> head)
    {
        uint size = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (size is > 1 and < 8)
        {
            return false;
        }

        ReadOnlySpan<byte> type = head.Slice(4, 4);
        foreach (string box in IsoTopLevelBoxes)
        {
            if (type[0] == box[0] && type[1] == box[1] && type[2] == box[2] && type[3] == box[3])
            {
                return true;
            }
        }

        return false;
    }

    private static bool LooksLikeTransportStream(ReadOnlySpan<byte> head, int packetSize, int prefix)
    {
        // Three sync bytes a packet apart, or as many as a short input holds (at least one whole packet).
        int packets = Math.Min(3, head.Length / packetSize);
        if (packets == 0)
        {
            return false;
        }

        for (int i = 0; i < packets; i++)
        {
            if (head[(i * packetSize) + prefix] != 0x47)
            {
                return false;
            }
        }

        return true;
    }
}
