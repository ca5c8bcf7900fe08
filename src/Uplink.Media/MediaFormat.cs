namespace Uplink.Media;

/// <summary>The input formats Uplink reads, as told apart by their first bytes.</summary>
public enum MediaFormat
{
    /// <summary>Not recognised.</summary>
    Unknown,

    /// <summary>Flash Video.</summary>
    Flv,

    /// <summary>ISO base media (MP4, MOV, fragmented MP4).</summary>
    Mp4,

    /// <summary>MPEG transport stream (188-byte packets, or 192-byte M2TS).</summary>
    MpegTs,

    /// <summary>A raw H.264 byte stream (Annex-B start codes).</summary>
    H264AnnexB,

    /// <summary>A raw AAC stream in ADTS frames.</summary>
    AacAdts,

    /// <summary>Matroska or WebM (EBML, as MKV and WebM files and OBS recordings are).</summary>
    Matroska,

    /// <summary>IVF ("DKIF" header): AV1 or VP9 frames, as <c>ffmpeg -f ivf</c>, libaom, SVT-AV1 and libvpx write them.</summary>
    Ivf,

    /// <summary>A raw HEVC byte stream (Annex-B start codes), as <c>ffmpeg -f hevc</c> writes it.</summary>
    HevcAnnexB,
}
