namespace Uplink;

/// <summary>The video codecs the writer sends.</summary>
public enum VideoCodec
{
    /// <summary>H.264/AVC: FLV codec id 7, the legacy video tag every RTMP server takes.</summary>
    H264,

    /// <summary>H.265/HEVC: Enhanced RTMP FourCC <c>hvc1</c>.</summary>
    Hevc,

    /// <summary>AV1: Enhanced RTMP FourCC <c>av01</c>.</summary>
    Av1,

    /// <summary>VP9: Enhanced RTMP FourCC <c>vp09</c>.</summary>
    Vp9,
}
