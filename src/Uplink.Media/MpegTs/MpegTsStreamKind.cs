namespace Uplink.Media.MpegTs;

/// <summary>What the reader makes of an elementary stream listed in a PMT.</summary>
internal enum MpegTsStreamKind
{
    /// <summary>Not audio or video (subtitles, metadata, SCTE-35, data carousels, unknown types): skipped.</summary>
    Ignored,

    /// <summary>H.264 video (stream type 0x1B): read.</summary>
    H264,

    /// <summary>HEVC video (stream type 0x24): read.</summary>
    Hevc,

    /// <summary>AAC in ADTS frames (stream type 0x0F): read.</summary>
    AacAdts,

    /// <summary>AC-3 (stream type 0x81, or private data with an AC-3 descriptor or registration): read.</summary>
    Ac3,

    /// <summary>E-AC-3 (stream type 0x87, or private data with an enhanced AC-3 descriptor or registration): read.</summary>
    Eac3,

    /// <summary>MPEG-1/2 audio (stream types 0x03, 0x04) whose layer is not yet known: read when the first frame says layer III.</summary>
    MpegAudio,

    /// <summary>MPEG audio layer III, as the first frame header of <see cref="MpegAudio"/> showed: read.</summary>
    Mp3,

    /// <summary>Video in a codec RTMP cannot carry here.</summary>
    UnsupportedVideo,

    /// <summary>Audio in a codec RTMP cannot carry here.</summary>
    UnsupportedAudio,
}
