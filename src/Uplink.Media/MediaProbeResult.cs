namespace Uplink.Media;

/// <summary>What <see cref="MediaProbe"/> found in an input.</summary>
/// <param name="Format">The container or stream format ("FLV", "MP4", "MPEG-TS", …).</param>
/// <param name="Duration">From the earliest start of any track to the latest end.</param>
/// <param name="Tracks">Video first, then audio, each kind in its reader's order (<see cref="TrackProbe.Index"/>).</param>
public sealed record MediaProbeResult(string Format, TimeSpan Duration, IReadOnlyList<TrackProbe> Tracks);

/// <summary>One track's description; fields that do not apply to the track's type are null.</summary>
/// <param name="Type"><c>video</c> or <c>audio</c>.</param>
/// <param name="Codec"><c>h264</c>, <c>hevc</c>, <c>av1</c>, <c>vp9</c>; <c>aac</c>, <c>opus</c>, <c>flac</c>, <c>ac3</c>, <c>eac3</c>, <c>mp3</c>.</param>
/// <param name="Profile">The video profile ("High", "Main 10", "Main", "Profile 0", …) or AAC object type ("LC", "HE-AAC", …).</param>
/// <param name="Level">The video level ("3.1").</param>
/// <param name="Width">Picture width after cropping.</param>
/// <param name="Height">Picture height after cropping.</param>
/// <param name="FrameRate">Frames per second: from the SPS timing when present, else from the timestamps.</param>
/// <param name="SampleRate">Audio sample rate.</param>
/// <param name="Channels">Audio channels.</param>
/// <param name="Frames">Frames in the track.</param>
/// <param name="Keyframes">Keyframes (IDR) among them.</param>
/// <param name="GopLength">Largest distance in frames between consecutive keyframes (the frame count with one keyframe).</param>
/// <param name="BFrames">Whether frames are reordered (presentation order differs from decode order).</param>
/// <param name="Duration">From the first frame's presentation to the end of the last one.</param>
/// <param name="Start">The first frame's presentation time.</param>
public sealed record TrackProbe(
    string Type,
    string Codec,
    string? Profile,
    string? Level,
    int? Width,
    int? Height,
    double? FrameRate,
    int? SampleRate,
    int? Channels,
    long Frames,
    long? Keyframes,
    long? GopLength,
    bool? BFrames,
    TimeSpan Duration,
    TimeSpan Start)
{
    /// <summary>
    /// The track's index among the tracks of its kind (its frames' <see cref="MediaFrame.TrackIndex"/>); 0 is the input's
    /// default track. The CLI names a track by kind and index: <c>v:1</c>, <c>a:0</c>.
    /// </summary>
    public int Index { get; init; }

    /// <summary>The HDR transfer the video declares: <c>PQ</c> (transfer characteristics 16) or <c>HLG</c> (18); null for SDR or unknown.</summary>
    public string? Hdr { get; init; }
}
