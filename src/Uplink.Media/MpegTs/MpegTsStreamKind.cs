namespace Uplink.Media.MpegTs;

/// <summary>What the reader makes of an elementary stream listed in a PMT.</summary>
internal enum MpegTsStreamKind
{
    /// <summary>Not audio or video (subtitles, metadata, SCTE-35, data carousels, unknown types): skipped.</summary>
    Ignored,

    /// <summary>H.264 video (stream type 0x1B): read.</summary>
    H264,

    /// <summary>AAC in ADTS frames (stream type 0x0F): read.</summary>
    AacAdts,

    /// <summary>Video in a codec RTMP cannot carry here.</summary>
    UnsupportedVideo,

    /// <summary>Audio in a codec RTMP cannot carry here.</summary>
    UnsupportedAudio,
}
