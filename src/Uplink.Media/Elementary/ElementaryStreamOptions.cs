namespace Uplink.Media;

/// <summary>Settings that raw elementary streams cannot carry themselves.</summary>
public sealed record ElementaryStreamOptions
{
    /// <summary>
    /// The video frame rate in frames per second (the CLI's <c>--fps</c>); overrides the SPS VUI timing. Null to
    /// take it from the SPS.
    /// </summary>
    public double? FrameRate { get; init; }
}
