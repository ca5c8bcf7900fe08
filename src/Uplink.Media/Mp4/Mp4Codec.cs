namespace Uplink.Media.Mp4;

/// <summary>The codecs the MP4 reader publishes, as found in a sample entry.</summary>
internal enum Mp4Codec
{
    /// <summary>A codec RTMP cannot carry here.</summary>
    Unsupported,

    /// <summary>H.264 (avc1, avc3).</summary>
    H264,

    /// <summary>HEVC (hvc1, hev1).</summary>
    Hevc,

    /// <summary>AV1 (av01).</summary>
    Av1,

    /// <summary>VP9 (vp09).</summary>
    Vp9,

    /// <summary>AAC (mp4a with an MPEG-4 or MPEG-2 AAC objectTypeIndication).</summary>
    Aac,

    /// <summary>Opus (Opus with dOps).</summary>
    Opus,

    /// <summary>FLAC (fLaC with dfLa).</summary>
    Flac,

    /// <summary>AC-3 (ac-3).</summary>
    Ac3,

    /// <summary>E-AC-3 (ec-3).</summary>
    Eac3,

    /// <summary>MP3 (.mp3, or mp4a with objectTypeIndication 0x69 or 0x6B).</summary>
    Mp3,
}
