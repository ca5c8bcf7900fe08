namespace Uplink.Media;

/// <summary>Settings that raw elementary streams cannot carry themselves.</summary>
public sealed record ElementaryStreamOptions
{
    /// <summary>
    /// The video frame rate in frames per second (the CLI's <c>--fps</c>); overrides the SPS VUI timing. Null to
    /// take it from the SPS.
    /// </summary>
    public double? FrameRate { get; init; }

    /// <summary>The video stream's codec: H.264 (the default) or HEVC; the others have no Annex-B byte stream.</summary>
    public VideoCodec VideoCodec { get; init; } = VideoCodec.H264;
}
