namespace Uplink;

/// <summary>The audio codecs the writer sends.</summary>
public enum AudioCodec
{
    /// <summary>AAC: FLV sound format 10, the legacy audio tag every RTMP server takes.</summary>
    Aac,

    /// <summary>Opus: Enhanced RTMP FourCC <c>Opus</c>.</summary>
    Opus,

    /// <summary>FLAC: Enhanced RTMP FourCC <c>fLaC</c>.</summary>
    Flac,

    /// <summary>AC-3 (Dolby Digital): Enhanced RTMP FourCC <c>ac-3</c>.</summary>
    Ac3,

    /// <summary>E-AC-3 (Dolby Digital Plus): Enhanced RTMP FourCC <c>ec-3</c>.</summary>
    Eac3,

    /// <summary>MP3 (MPEG-1/2 audio layer III): FLV sound format 2, the legacy audio tag.</summary>
    Mp3,
}
