namespace Uplink.Flv.Parsing;

/// <summary>
/// The header of an FLV audio tag body (an RTMP audio message): legacy AAC (sound format 10) and MP3 (2 and 14), or
/// Enhanced RTMP (Opus, fLaC, ac-3, ec-3, .mp3, mp4a). Reading it allocates nothing unless it fails.
/// </summary>
/// <param name="Codec">The codec; null when <see cref="Problem"/> is set or the body is empty.</param>
/// <param name="Kind">What the body carries.</param>
/// <param name="PayloadOffset">Where the configuration or the coded data starts in the body.</param>
/// <param name="IsEnhanced">Whether the tag has the Enhanced RTMP ex header (sound format 9).</param>
/// <param name="CodecLabel">The FourCC, or the FLV sound format's name, for reports (also when the codec is unsupported).</param>
/// <param name="Problem">Null when read; else why not, one line without the offset (the caller knows it).</param>
/// <param name="IsMalformed">With <see cref="Problem"/>: true when the body is broken, false when it is valid but not supported.</param>
/// <remarks>
/// A Multitrack message reads as <see cref="FlvPacketKind.Multitrack"/> with no codec; <see cref="FlvAudioTracks"/> reads its
/// tracks (and a single-track message as its one track).
/// </remarks>
internal readonly record struct FlvAudioTagHeader(
    AudioCodec? Codec,
    FlvPacketKind Kind,
    int PayloadOffset,
    bool IsEnhanced,
    string CodecLabel,
    string? Problem,
    bool IsMalformed)
{
    /// <summary>The audio packet type of a Multitrack message.</summary>
    public const int MultitrackPacketType = 5;

    private const int ExHeader = 9;

    /// <summary>How many bytes of the body the payload has (from <see cref="PayloadOffset"/>; a track's share in a multitrack message).</summary>
    public int PayloadLength { get; init; }

    /// <summary>The track: 0 for a single-track message, else the multitrack entry's trackId.</summary>
    public int TrackId { get; init; }

    /// <summary>The ModEx TimestampOffsetNano (nanoseconds to add to the message timestamp), 0 when none.</summary>
    public int TimestampOffsetNanoseconds { get; init; }

    /// <summary>Reads the header of <paramref name="body"/>; never throws.</summary>
    public static FlvAudioTagHeader Read(ReadOnlySpan<byte> body)
    {
        FlvAudioTagHeader h = ReadHeader(body);
        return h.Problem is null && h.Kind != FlvPacketKind.Multitrack ? h with { PayloadLength = body.Length - h.PayloadOffset } : h;
    }

    private static FlvAudioTagHeader ReadHeader(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return new(null, FlvPacketKind.Empty, 0, false, "", null, false);
        }

        int soundFormat = body[0] >> 4;
        if (soundFormat == ExHeader)
        {
            return ReadEnhanced(body);
        }

        string label = LegacyName(soundFormat);
        switch (soundFormat)
        {
            case 10:
                if (body.Length < 2)
                {
                    return new(null, FlvPacketKind.Empty, body.Length, false, label, null, false);
                }

                return body[1] switch
                {
                    0 => new(AudioCodec.Aac, FlvPacketKind.SequenceStart, 2, false, label, null, false),
                    1 => new(AudioCodec.Aac, FlvPacketKind.CodedFrames, 2, false, label, null, false),
                    _ => new(null, FlvPacketKind.Empty, 0, false, label, $"AAC audio tag has unknown AAC packet type {body[1]}", true),
                };
            case 2:
            case 14:
                // Legacy MP3 has no packet type: the frames follow the sound byte.
                return new(AudioCodec.Mp3, FlvPacketKind.CodedFrames, 1, false, label, null, false);
            default:
                return new(null, FlvPacketKind.Empty, 0, false, label,
                    $"audio format {label} (FLV sound format {soundFormat}) is not supported: AAC, MP3, Opus, FLAC, AC-3 and E-AC-3 are", false);
        }
    }

    private static FlvAudioTagHeader ReadEnhanced(ReadOnlySpan<byte> body)
    {
        int packetType = body[0] & 0x0F;
        int position = 1;
        if (!FlvModEx.Read(body, ref packetType, ref position, out int nanoseconds))
        {
            return new(null, FlvPacketKind.Empty, 0, true, "", "Enhanced RTMP audio tag ends inside its ModEx data", true);
        }

        if (packetType == MultitrackPacketType)
        {
            return new FlvAudioTagHeader(null, FlvPacketKind.Multitrack, position, true, "", null, false) { TimestampOffsetNanoseconds = nanoseconds };
        }

        if (body.Length - position < 4)
        {
            return new(null, FlvPacketKind.Empty, 0, true, "", $"Enhanced RTMP audio tag has {body.Length} bytes, too few for its FourCC", true);
        }

        FlvAudioTagHeader h = ReadCodedBody(position + 4, FlvFourCc.Read(body[position..]), packetType);
        return nanoseconds == 0 ? h : h with { TimestampOffsetNanoseconds = nanoseconds };
    }

    /// <summary>
    /// Reads the packet type and FourCC of a single-track message or of one multitrack track, whose payload starts at
    /// <paramref name="position"/>.
    /// </summary>
    internal static FlvAudioTagHeader ReadCodedBody(int position, uint fourCc, int packetType)
    {
        string label = FlvFourCc.ToText(fourCc);
        AudioCodec? codec = fourCc switch
        {
            FlvFourCc.Opus => AudioCodec.Opus,
            FlvFourCc.Flac => AudioCodec.Flac,
            FlvFourCc.Ac3 => AudioCodec.Ac3,
            FlvFourCc.Eac3 => AudioCodec.Eac3,
            FlvFourCc.Mp3 => AudioCodec.Mp3,
            FlvFourCc.Mp4a => AudioCodec.Aac,
            _ => null,
        };
        if (codec is null)
        {
            return new(null, FlvPacketKind.Empty, 0, true, label, $"Enhanced RTMP audio FourCC '{label}' is not supported: Opus, fLaC, ac-3, ec-3, .mp3 and mp4a are", false);
        }

        FlvPacketKind? kind = packetType switch
        {
            0 => FlvPacketKind.SequenceStart,
            1 => FlvPacketKind.CodedFrames,
            2 => FlvPacketKind.SequenceEnd,
            4 => FlvPacketKind.MultichannelConfig,
            _ => null,
        };
        return kind is FlvPacketKind k
            ? new(codec, k, position, true, label, null, false)
            : new(null, FlvPacketKind.Empty, 0, true, label, $"'{label}' audio tag has unknown Enhanced RTMP packet type {packetType}", true);
    }

    /// <summary>The name of a legacy FLV sound format (the high nibble of the first byte).</summary>
    public static string LegacyName(int soundFormat) => soundFormat switch
    {
        0 => "PCM",
        1 => "ADPCM",
        2 => "MP3",
        3 => "PCM LE",
        4 => "Nellymoser 16 kHz mono",
        5 => "Nellymoser 8 kHz mono",
        6 => "Nellymoser",
        7 => "G.711 A-law",
        8 => "G.711 mu-law",
        10 => "AAC",
        11 => "Speex",
        14 => "MP3 8 kHz",
        15 => "device-specific",
        _ => "unknown",
    };
}
