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
/// <see langword="true"/> for an H.264 or AAC sequence header in an FLV input: <paramref name="Data"/> is then the
/// AVCDecoderConfigurationRecord (video) or the AudioSpecificConfig (audio). Hand it to
/// <c>RtmpWriter.SetVideoConfigurationAsync</c> or <c>SetAudioConfigurationAsync</c> (<c>WriteAsync(MediaFrame)</c> and
/// <c>PublishAsync</c> do): the writer sends it before the next frame. Only the FLV reader gives them (the file's sequence
/// header tags, a change mid-file included); the other readers, and FLV for the Enhanced RTMP codecs, declare their
/// configuration in the media type or carry it in band.
/// </param>
/// <param name="Data">
/// The payload, in the form the reader's media type declares — which is the form the writer expects when given that
/// media type: length-prefixed NAL units (H.264, HEVC from FLV, MP4, Matroska) or Annex-B (raw H.264/HEVC, MPEG-TS);
/// an AV1 temporal unit; a VP9 frame; one raw AAC, Opus or FLAC frame; ADTS, AC-3, E-AC-3 or MP3 frames (one or more,
/// from MPEG-TS a whole PES payload).
/// The memory belongs to the reader and is valid only until its next read.
/// </param>
/// <param name="TrackIndex">
/// Which track of its kind the frame belongs to: the index into <see cref="IMediaReader.VideoTracks"/> or
/// <see cref="IMediaReader.AudioTracks"/>, 0 being the input's default track. Readers give frames of other tracks than 0
/// only when opened with <see cref="MediaReaderOptions.AllTracks"/>.
/// </param>
public readonly record struct MediaFrame(
    MediaTrack Track,
    TimeSpan Dts,
    TimeSpan Pts,
    bool IsKeyframe,
    bool IsConfiguration,
    ReadOnlyMemory<byte> Data,
    int TrackIndex = 0);
