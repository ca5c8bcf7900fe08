namespace Uplink.Flv.Parsing;

/// <summary>
/// The header of an FLV video tag body (an RTMP video message): legacy AVC (codec id 7, and the non-standard HEVC id 12
/// some servers record) or Enhanced RTMP (hvc1, av01, vp09, avc1). Reading it allocates nothing unless it fails.
/// </summary>
/// <param name="Codec">The codec; null when <see cref="Problem"/> is set.</param>
/// <param name="Kind">What the body carries.</param>
/// <param name="IsKeyframe">Frame type 1 (key frame) or 4 (generated key frame).</param>
/// <param name="CompositionTime">PTS - DTS in milliseconds (SI24); 0 where the format has none.</param>
/// <param name="PayloadOffset">Where the configuration record or the coded data starts in the body.</param>
/// <param name="IsEnhanced">Whether the tag has the Enhanced RTMP ex header.</param>
/// <param name="CodecLabel">The FourCC, or the FLV codec id's name, for reports (also when the codec is unsupported).</param>
/// <param name="Problem">Null when read; else why not, one line without the offset (the caller knows it).</param>
/// <param name="IsMalformed">With <see cref="Problem"/>: true when the body is broken, false when it is valid but not supported.</param>
/// <remarks>
/// A Multitrack message reads as <see cref="FlvPacketKind.Multitrack"/> with no codec; <see cref="FlvVideoTracks"/> reads its
/// tracks (and a single-track message as its one track).
/// </remarks>
internal readonly record struct FlvVideoTagHeader(
    VideoCodec? Codec,
    FlvPacketKind Kind,
    bool IsKeyframe,
    int CompositionTime,
    int PayloadOffset,
    bool IsEnhanced,
    string CodecLabel,
    string? Problem,
    bool IsMalformed)
{
    /// <summary>The video packet type of a Multitrack message.</summary>
    public const int MultitrackPacketType = 6;

    private const int CommandFrame = 5;
    private const int LegacyHeaderSize = 5;

    /// <summary>How many bytes of the body the payload has (from <see cref="PayloadOffset"/>; a track's share in a multitrack message).</summary>
    public int PayloadLength { get; init; }

    /// <summary>The track: 0 for a single-track message, else the multitrack entry's trackId.</summary>
    public int TrackId { get; init; }

    /// <summary>The ModEx TimestampOffsetNano (nanoseconds to add to the message timestamp), 0 when none.</summary>
    public int TimestampOffsetNanoseconds { get; init; }

    /// <summary>Reads the header of <paramref name="body"/>; never throws.</summary>
    public static FlvVideoTagHeader Read(ReadOnlySpan<byte> body)
    {
        if (body.Length <= 1)
        {
            return new(null, FlvPacketKind.Empty, false, 0, body.Length, !body.IsEmpty && (body[0] & 0x80) != 0, "", null, false);
        }

        FlvVideoTagHeader h = (body[0] & 0x80) != 0 ? ReadEnhanced(body) : ReadLegacy(body);
        return h.Problem is null && h.Kind != FlvPacketKind.Multitrack ? h with { PayloadLength = body.Length - h.PayloadOffset } : h;
    }

    private static FlvVideoTagHeader ReadLegacy(ReadOnlySpan<byte> body)
    {
        int frameType = body[0] >> 4;
        int codecId = body[0] & 0x0F;
        string label = LegacyName(codecId);
        if (frameType == CommandFrame)
        {
            return new(null, FlvPacketKind.Empty, false, 0, body.Length, false, label, null, false);
        }

        VideoCodec codec;
        switch (codecId)
        {
            case 7:
                codec = VideoCodec.H264;
                break;
            case 12:
                codec = VideoCodec.Hevc;
                break;
            default:
                return Unsupported(false, label, $"video codec {label} (FLV codec id {codecId}) is not supported: H.264, HEVC, AV1 and VP9 are");
        }

        if (body.Length < LegacyHeaderSize)
        {
            return Malformed(false, label, $"{label} video tag has {body.Length} bytes, fewer than its {LegacyHeaderSize}-byte header");
        }

        FlvPacketKind kind;
        switch (body[1])
        {
            case 0:
                kind = FlvPacketKind.SequenceStart;
                break;
            case 1:
                kind = FlvPacketKind.CodedFrames;
                break;
            case 2:
                kind = FlvPacketKind.SequenceEnd;
                break;
            default:
                return Malformed(false, label, $"{label} video tag has unknown AVC packet type {body[1]}");
        }

        return new(codec, kind, frameType is 1 or 4, kind == FlvPacketKind.CodedFrames ? ReadSi24(body[2..]) : 0, LegacyHeaderSize, false, label, null, false);
    }

    private static FlvVideoTagHeader ReadEnhanced(ReadOnlySpan<byte> body)
    {
        int frameType = (body[0] >> 4) & 0x07;
        int packetType = body[0] & 0x0F;
        int position = 1;
        if (!FlvModEx.Read(body, ref packetType, ref position, out int nanoseconds))
        {
            return Malformed(true, "", "Enhanced RTMP video tag ends inside its ModEx data");
        }

        // A command frame carries one command byte and no FourCC; Metadata keeps its FourCC whatever the frame type.
        if (frameType == CommandFrame && packetType != 4)
        {
            return new(null, FlvPacketKind.Empty, false, 0, body.Length, true, "", null, false);
        }

        if (packetType == MultitrackPacketType)
        {
            return new FlvVideoTagHeader(null, FlvPacketKind.Multitrack, frameType is 1 or 4, 0, position, true, "", null, false) { TimestampOffsetNanoseconds = nanoseconds };
        }

        if (body.Length - position < 4)
        {
            return Malformed(true, "", $"Enhanced RTMP video tag has {body.Length} bytes, too few for its FourCC");
        }

        FlvVideoTagHeader h = ReadCodedBody(body, position + 4, FlvFourCc.Read(body[position..]), packetType, frameType);
        return nanoseconds == 0 ? h : h with { TimestampOffsetNanoseconds = nanoseconds };
    }

    /// <summary>
    /// Reads what follows the FourCC (at <paramref name="position"/>) of a single-track message or of one multitrack
    /// track, whose body is then <paramref name="body"/>.
    /// </summary>
    internal static FlvVideoTagHeader ReadCodedBody(ReadOnlySpan<byte> body, int position, uint fourCc, int packetType, int frameType)
    {
        string label = FlvFourCc.ToText(fourCc);
        VideoCodec? codec = fourCc switch
        {
            FlvFourCc.Hvc1 => VideoCodec.Hevc,
            FlvFourCc.Av01 => VideoCodec.Av1,
            FlvFourCc.Vp09 => VideoCodec.Vp9,
            FlvFourCc.Avc1 => VideoCodec.H264,
            _ => null,
        };
        if (codec is null)
        {
            return Unsupported(true, label, $"Enhanced RTMP video FourCC '{label}' is not supported: hvc1, av01, vp09 and avc1 are");
        }

        bool key = frameType is 1 or 4;
        bool hasCompositionTime = codec is VideoCodec.Hevc or VideoCodec.H264;
        switch (packetType)
        {
            case 0:
                return new(codec, FlvPacketKind.SequenceStart, key, 0, position, true, label, null, false);
            case 1 when hasCompositionTime:
                if (body.Length - position < 3)
                {
                    return Malformed(true, label, $"'{label}' CodedFrames tag has {body.Length} bytes, too few for its composition time");
                }

                return new(codec, FlvPacketKind.CodedFrames, key, ReadSi24(body[position..]), position + 3, true, label, null, false);
            case 1:
            case 3:
                return new(codec, FlvPacketKind.CodedFrames, key, 0, position, true, label, null, false);
            case 2:
                return new(codec, FlvPacketKind.SequenceEnd, false, 0, position, true, label, null, false);
            case 4:
                return new(codec, FlvPacketKind.Metadata, false, 0, position, true, label, null, false);
            case 5:
                return Unsupported(true, label, $"'{label}' MPEG2TSSequenceStart video packets are not supported");
            default:
                return Malformed(true, label, $"'{label}' video tag has unknown Enhanced RTMP packet type {packetType}");
        }
    }

    private static int ReadSi24(ReadOnlySpan<byte> b) => ((b[0] << 16 | b[1] << 8 | b[2]) << 8) >> 8;

    private static FlvVideoTagHeader Unsupported(bool enhanced, string label, string problem) => new(null, FlvPacketKind.Empty, false, 0, 0, enhanced, label, problem, false);

    private static FlvVideoTagHeader Malformed(bool enhanced, string label, string problem) => new(null, FlvPacketKind.Empty, false, 0, 0, enhanced, label, problem, true);

    /// <summary>The name of a legacy FLV video codec id (the low nibble of the first byte).</summary>
    public static string LegacyName(int codecId) => codecId switch
    {
        1 => "JPEG",
        2 => "Sorenson H.263",
        3 => "Screen video",
        4 => "VP6",
        5 => "VP6 alpha",
        6 => "Screen video 2",
        7 => "H.264",
        12 => "HEVC (non-standard id 12)",
        13 => "AV1 (non-standard id 13)",
        _ => "unknown",
    };
}
