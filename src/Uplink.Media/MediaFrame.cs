namespace Uplink.Media;

/// <summary>One timed frame read from a media file or pipe, ready for the RTMP writer.</summary>
/// <param name="Track">The track the frame belongs to.</param>
/// <param name="Dts">
/// The decode timestamp: for FLV the tag timestamp (32-bit milliseconds, unwrapped past 2^32).
/// </param>
/// <param name="Pts">
/// The presentation timestamp: for video <paramref name="Dts"/> plus the composition time offset
/// (which may be negative); for audio and configuration frames equal to <paramref name="Dts"/>.
/// </param>
/// <param name="IsKeyframe">
/// <see langword="true"/> for a video keyframe (FLV frame type 1 or 4); always <see langword="true"/> for audio.
/// </param>
/// <param name="IsConfiguration">
/// <see langword="true"/> for a sequence header: <paramref name="Data"/> is then the
/// AVCDecoderConfigurationRecord (video) or the AudioSpecificConfig (audio).
/// </param>
/// <param name="Data">
/// The payload. Video: the length-prefixed NAL units as stored in the file (AVCC). Audio: one raw AAC
/// frame. The memory belongs to the reader and is valid only until its next read.
/// </param>
public readonly record struct MediaFrame(
    MediaTrack Track,
    TimeSpan Dts,
    TimeSpan Pts,
    bool IsKeyframe,
    bool IsConfiguration,
    ReadOnlyMemory<byte> Data);
