using System.Collections.Frozen;
using System.Globalization;

namespace Uplink;

/// <summary>
/// The DirectShow major type, subtype and format type GUIDs that the writer's two input pins accept.
/// </summary>
public static class DirectShowGuids
{
    /// <summary>MEDIATYPE_Video ('vids').</summary>
    public static readonly Guid MediaTypeVideo = new("73646976-0000-0010-8000-00AA00389B71");

    /// <summary>MEDIATYPE_Audio ('auds').</summary>
    public static readonly Guid MediaTypeAudio = new("73647561-0000-0010-8000-00AA00389B71");

    /// <summary>The H.264 subtype with FourCC 'H264' (MEDIASUBTYPE_H264).</summary>
    public static readonly Guid SubtypeH264 = new("34363248-0000-0010-8000-00AA00389B71");

    /// <summary>The H.264 subtype with FourCC 'h264'.</summary>
    public static readonly Guid SubtypeH264Lowercase = new("34363268-0000-0010-8000-00AA00389B71");

    /// <summary>MEDIASUBTYPE_AAC: wave format tag 0x00FF as a FourCC GUID.</summary>
    public static readonly Guid SubtypeAac = new("000000FF-0000-0010-8000-00AA00389B71");

    /// <summary>FORMAT_MPEG2_VIDEO: the format block is an MPEG2VIDEOINFO.</summary>
    public static readonly Guid FormatMpeg2Video = new("E06D80E3-DB46-11CF-B4D1-00805F6CBBEA");

    /// <summary>FORMAT_None: no format block.</summary>
    public static readonly Guid FormatNone = new("0F6417D6-C318-11D0-A43F-00A0C9223196");

    /// <summary>FORMAT_WaveFormatEx: the format block is a WAVEFORMATEX.</summary>
    public static readonly Guid FormatWaveFormatEx = new("05589F81-C356-11CE-BF01-00AA0055595A");

    /// <summary>The Data1-free tail shared by FourCC / wave-format-tag subtypes (xxxxxxxx-0000-0010-8000-00AA00389B71).</summary>
    private static readonly Guid FourCcBase = new("00000000-0000-0010-8000-00AA00389B71");

    private static readonly FrozenDictionary<Guid, string> Names = new Dictionary<Guid, string>
    {
        [MediaTypeVideo] = "MEDIATYPE_Video",
        [MediaTypeAudio] = "MEDIATYPE_Audio",
        [new("73747874-0000-0010-8000-00AA00389B71")] = "MEDIATYPE_Text",
        [new("73766169-0000-0010-8000-00AA00389B71")] = "MEDIATYPE_Interleaved",
        [new("E436EB83-524F-11CE-9F53-0020AF0BA770")] = "MEDIATYPE_Stream",
        [new("E06D8020-DB46-11CF-B4D1-00805F6CBBEA")] = "MEDIATYPE_MPEG2_PES",
        [new("E06D8022-DB46-11CF-B4D1-00805F6CBBEA")] = "MEDIATYPE_MPEG2_PACK",
        [Guid.Empty] = "GUID_NULL",

        [SubtypeH264] = "H.264",
        [SubtypeH264Lowercase] = "H.264",
        [SubtypeAac] = "AAC",
        [new("E06D8026-DB46-11CF-B4D1-00805F6CBBEA")] = "MPEG-2 video",
        [new("E436EB81-524F-11CE-9F53-0020AF0BA770")] = "MPEG-1 video",
        [new("E436EB86-524F-11CE-9F53-0020AF0BA770")] = "MPEG-1 video",
        [new("E436EB80-524F-11CE-9F53-0020AF0BA770")] = "MPEG-1 packets",
        [new("E436EB84-524F-11CE-9F53-0020AF0BA770")] = "MPEG-1 system stream",
        [FourCc("avc1")] = "avc1 (length-prefixed H.264)",
        [FourCc("AVC1")] = "AVC1 (length-prefixed H.264)",
        [FourCc("X264")] = "X264",
        [FourCc("HEVC")] = "HEVC",
        [FourCc("H265")] = "H.265",
        [FourCc("hvc1")] = "hvc1 (HEVC)",
        [FourCc("hev1")] = "hev1 (HEVC)",
        [FourCc("AV01")] = "AV1",
        [FourCc("VP80")] = "VP8",
        [FourCc("VP90")] = "VP9",
        [FourCc("MP4V")] = "MPEG-4 Part 2 video",
        [FourCc("WVC1")] = "VC-1",
        [FourCc("WMV3")] = "WMV 9",
        [FourCc("MJPG")] = "Motion JPEG",
        [FourCc("YUY2")] = "YUY2 (uncompressed)",
        [FourCc("NV12")] = "NV12 (uncompressed)",
        [FourCc("I420")] = "I420 (uncompressed)",
        [FourCc("IYUV")] = "IYUV (uncompressed)",
        [FourCc("YV12")] = "YV12 (uncompressed)",
        [new("E436EB7D-524F-11CE-9F53-0020AF0BA770")] = "RGB24 (uncompressed)",
        [new("E436EB7E-524F-11CE-9F53-0020AF0BA770")] = "RGB32 (uncompressed)",
        [new("773C9AC0-3274-11D0-B724-00AA006C1A01")] = "ARGB32 (uncompressed)",

        [WaveFormat(0x0001)] = "PCM",
        [WaveFormat(0x0003)] = "IEEE float PCM",
        [WaveFormat(0x0050)] = "MPEG audio",
        [WaveFormat(0x0055)] = "MP3",
        [WaveFormat(0x0092)] = "AC-3 over S/PDIF",
        [WaveFormat(0x0160)] = "WMA 1",
        [WaveFormat(0x0161)] = "WMA",
        [WaveFormat(0x0162)] = "WMA Pro",
        [WaveFormat(0x0163)] = "WMA Lossless",
        [WaveFormat(0x1600)] = "ADTS AAC (MEDIASUBTYPE_MPEG_ADTS_AAC; use MEDIASUBTYPE_AAC)",
        [WaveFormat(0x1602)] = "LATM AAC (MEDIASUBTYPE_MPEG_LOAS)",
        [WaveFormat(0x1610)] = "raw AAC (MEDIASUBTYPE_RAW_AAC1; use MEDIASUBTYPE_AAC)",
        [WaveFormat(0x2000)] = "AC-3",
        [WaveFormat(0x2001)] = "DTS",
        [WaveFormat(0xF1AC)] = "FLAC",
        [WaveFormat(0x704F)] = "Opus",
        [FourCc("mp4a")] = "mp4a (AAC)",
        [new("E06D802B-DB46-11CF-B4D1-00805F6CBBEA")] = "MPEG-2 audio",
        [new("E06D802C-DB46-11CF-B4D1-00805F6CBBEA")] = "AC-3",
        [new("E06D8032-DB46-11CF-B4D1-00805F6CBBEA")] = "LPCM",

        [FormatMpeg2Video] = "FORMAT_MPEG2_VIDEO",
        [FormatNone] = "FORMAT_None",
        [FormatWaveFormatEx] = "FORMAT_WaveFormatEx",
        [new("05589F80-C356-11CE-BF01-00AA0055595A")] = "FORMAT_VideoInfo",
        [new("F72A76A0-EB0A-11D0-ACE4-0000C0CC16BA")] = "FORMAT_VideoInfo2",
        [new("05589F82-C356-11CE-BF01-00AA0055595A")] = "FORMAT_MPEGVideo",
        [new("05589F83-C356-11CE-BF01-00AA0055595A")] = "FORMAT_MPEGStreams",
        [new("05589F84-C356-11CE-BF01-00AA0055595A")] = "FORMAT_DvInfo",
        [new("E06D80E4-DB46-11CF-B4D1-00805F6CBBEA")] = "FORMAT_MPEG2_AUDIO",
        [new("E06D80E5-DB46-11CF-B4D1-00805F6CBBEA")] = "FORMAT_DolbyAC3",
    }.ToFrozenDictionary();

    /// <summary>
    /// A readable name for a DirectShow GUID: a well-known name, "FourCC 'XXXX'" or "wave format 0xNNNN" for
    /// FourCC-style subtypes, otherwise the GUID itself in braces.
    /// </summary>
    internal static string Describe(Guid guid)
    {
        if (Names.TryGetValue(guid, out string? name))
        {
            return name;
        }

        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        Span<byte> baseBytes = stackalloc byte[16];
        FourCcBase.TryWriteBytes(baseBytes);
        if (bytes[4..].SequenceEqual(baseBytes[4..]))
        {
            uint data1 = BitConverter.ToUInt32(bytes); // TryWriteBytes writes Data1 little-endian
            if (data1 <= 0xFFFF)
            {
                return string.Create(CultureInfo.InvariantCulture, $"wave format 0x{data1:X4}");
            }

            if (bytes[..4].IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"FourCC '{(char)bytes[0]}{(char)bytes[1]}{(char)bytes[2]}{(char)bytes[3]}'");
            }
        }

        return guid.ToString("B").ToUpperInvariant();
    }

    private static Guid FourCc(string fourCc) =>
        WaveFormat((uint)(fourCc[0] | (fourCc[1] << 8) | (fourCc[2] << 16) | (fourCc[3] << 24)));

    private static Guid WaveFormat(uint data1) =>
        new(data1, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71);
}
