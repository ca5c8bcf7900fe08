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
/// <see langword="true"/> for a sequence header: <paramref name="Data"/> is then the AVCDecoderConfigurationRecord
/// (video) or the AudioSpecificConfig (audio). Hand it to <c>RtmpWriter.SetVideoConfigurationAsync</c> or
/// <c>SetAudioConfigurationAsync</c> (<c>WriteAsync(MediaFrame)</c> and <c>PublishAsync</c> do): the writer sends it
/// before the next frame. Only the FLV reader gives them, for H.264 and AAC (the file's sequence header tags, a change
/// mid-file included; for the Enhanced FLV codecs the media type carries the configuration);
/// MP4 and Matroska declare their configuration in the media type, and raw H.264, ADTS and MPEG-TS carry it in band.
/// </param>
/// <param name="Data">
/// The payload, in the form the reader's media type declares — which is the form the writer expects when given that
/// media type. Video: length-prefixed NAL units (AVCC) from FLV, MP4 and Matroska (<c>VideoMediaType.H264(record)</c>);
/// Annex-B with start codes from raw H.264 and MPEG-TS (<c>VideoMediaType.H264AnnexB</c>). Audio: one raw AAC frame from
/// FLV, MP4 and Matroska (<c>AudioMediaType.Aac(config)</c>); ADTS frames from raw AAC and MPEG-TS (<c>AudioMediaType.AacAdts</c>).
/// The memory belongs to the reader and is valid only until its next read.
/// </param>
public readonly record struct MediaFrame(
    MediaTrack Track,
    TimeSpan Dts,
    TimeSpan Pts,
    bool IsKeyframe,
    bool IsConfiguration,
    ReadOnlyMemory<byte> Data);
