using System.Buffers.Binary;

namespace Uplink.Media.MpegTs;

/// <summary>
/// Classifies the elementary streams of a PMT by stream_type (ISO/IEC 13818-1 table 2-34, plus the ATSC/Blu-ray
/// values in common use) and, for private data (0x06), by registration and DVB descriptors (ETSI EN 300 468).
/// </summary>
internal static class MpegTsStreamTypes
{
    private const byte RegistrationDescriptor = 0x05;
    private const byte Ac3Descriptor = 0x6A;
    private const byte EnhancedAc3Descriptor = 0x7A;
    private const byte DtsDescriptor = 0x7B;
    private const byte AacDescriptor = 0x7C;
    private const byte ExtensionDescriptor = 0x7F;
    private const byte AtscAc3Descriptor = 0x81;
    private const byte DvbOpusExtensionTag = 0x80;

    /// <summary>True for the video kinds the reader reads.</summary>
    public static bool IsReadVideo(MpegTsStreamKind kind) => kind is MpegTsStreamKind.H264 or MpegTsStreamKind.Hevc;

    /// <summary>True for the audio kinds the reader reads.</summary>
    public static bool IsReadAudio(MpegTsStreamKind kind) =>
        kind is MpegTsStreamKind.AacAdts or MpegTsStreamKind.Ac3 or MpegTsStreamKind.Eac3 or MpegTsStreamKind.MpegAudio or MpegTsStreamKind.Mp3;

    /// <summary>Classifies a stream and names its codec (for messages; null for ignored streams).</summary>
    public static MpegTsStreamKind Classify(byte streamType, ReadOnlySpan<byte> descriptors, out string? codecName)
    {
        codecName = null;
        switch (streamType)
        {
            case 0x1B:
                codecName = "H.264";
                return MpegTsStreamKind.H264;
            case 0x24:
                codecName = "HEVC (H.265)";
                return MpegTsStreamKind.Hevc;
            case 0x0F:
                codecName = "AAC (ADTS)";
                return MpegTsStreamKind.AacAdts;
            case 0x81:
                codecName = "AC-3";
                return MpegTsStreamKind.Ac3;
            case 0x87 or 0x84: // 0x87 ATSC, 0x84 Blu-ray (M2TS)
                codecName = "E-AC-3";
                return MpegTsStreamKind.Eac3;
            case 0x03 or 0x04:
                codecName = streamType == 0x03 ? "MPEG-1 audio" : "MPEG-2 audio";
                return MpegTsStreamKind.MpegAudio;
            case 0x06:
                return ClassifyPrivateData(descriptors, out codecName);
            default:
                codecName = VideoName(streamType);
                if (codecName is not null)
                {
                    return MpegTsStreamKind.UnsupportedVideo;
                }

                codecName = AudioName(streamType);
                return codecName is not null ? MpegTsStreamKind.UnsupportedAudio : MpegTsStreamKind.Ignored;
        }
    }

    private static string? VideoName(byte streamType) => streamType switch
    {
        0x01 => "MPEG-1 video",
        0x02 => "MPEG-2 video",
        0x10 => "MPEG-4 Part 2 video",
        0x1E => "MPEG-2 auxiliary video",
        0x1F => "H.264 SVC",
        0x20 => "H.264 MVC",
        0x33 => "VVC (H.266)",
        0x42 => "AVS video",
        0xD1 => "Dirac video",
        0xD2 => "AVS2 video",
        0xEA => "VC-1 video",
        _ => null,
    };

    private static string? AudioName(byte streamType) => streamType switch
    {
        0x11 => "AAC (LATM)",
        0x1C => "MPEG-4 audio (raw AAC, no ADTS)",
        0x80 => "LPCM audio",
        0x82 => "DTS",
        0x83 => "Dolby TrueHD",
        0x85 => "DTS-HD",
        _ => null,
    };

    private static MpegTsStreamKind ClassifyPrivateData(ReadOnlySpan<byte> descriptors, out string? codecName)
    {
        codecName = null;
        while (descriptors.Length >= 2)
        {
            byte tag = descriptors[0];
            int length = descriptors[1];
            if (length > descriptors.Length - 2)
            {
                break;
            }

            ReadOnlySpan<byte> body = descriptors.Slice(2, length);
            descriptors = descriptors[(2 + length)..];
            switch (tag)
            {
                case Ac3Descriptor or AtscAc3Descriptor:
                    codecName = "AC-3";
                    return MpegTsStreamKind.Ac3;
                case EnhancedAc3Descriptor:
                    codecName = "E-AC-3";
                    return MpegTsStreamKind.Eac3;
                case DtsDescriptor:
                    codecName = "DTS";
                    return MpegTsStreamKind.UnsupportedAudio;
                case AacDescriptor:
                    codecName = "AAC in private data (DVB AAC descriptor)";
                    return MpegTsStreamKind.UnsupportedAudio;
                case ExtensionDescriptor when body.Length >= 1 && body[0] == DvbOpusExtensionTag:
                    codecName = "Opus";
                    return MpegTsStreamKind.UnsupportedAudio;
                case RegistrationDescriptor when body.Length >= 4:
                    MpegTsStreamKind kind = ClassifyRegistration(BinaryPrimitives.ReadUInt32BigEndian(body), out codecName);
                    if (kind != MpegTsStreamKind.Ignored)
                    {
                        return kind;
                    }

                    break;
                default:
                    break;
            }
        }

        return MpegTsStreamKind.Ignored;
    }

    private static MpegTsStreamKind ClassifyRegistration(uint formatIdentifier, out string? codecName)
    {
        switch (formatIdentifier)
        {
            case 0x41432D33: // "AC-3"
                codecName = "AC-3";
                return MpegTsStreamKind.Ac3;
            case 0x45414333: // "EAC3"
                codecName = "E-AC-3";
                return MpegTsStreamKind.Eac3;
        }

        codecName = formatIdentifier switch
        {
            // Opus in TS needs its control header stripped and frames reassembled (ETSI TS 102 366 annex); not done here.
            0x4F707573 => "Opus", // "Opus"
            0x44545331 or 0x44545332 or 0x44545333 => "DTS", // "DTS1".."DTS3"
            0x42535344 => "SMPTE 302M audio", // "BSSD"
            0x6D6C7061 => "Dolby TrueHD", // "mlpa"
            _ => null,
        };
        if (codecName is not null)
        {
            return MpegTsStreamKind.UnsupportedAudio;
        }

        codecName = formatIdentifier switch
        {
            0x48455643 => "HEVC (H.265)", // "HEVC"
            0x41563031 => "AV1", // "AV01"
            0x56432D31 => "VC-1 video", // "VC-1"
            0x64726163 => "Dirac video", // "drac"
            _ => null,
        };
        return codecName is not null ? MpegTsStreamKind.UnsupportedVideo : MpegTsStreamKind.Ignored;
    }
}
