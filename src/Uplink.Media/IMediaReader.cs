namespace Uplink.Media;

/// <summary>
/// A reader that turns a container or elementary stream into timed frames for <see cref="RtmpWriter"/>.
/// Streaming: memory stays bounded whatever the input's length; non-seekable streams (pipes) work.
/// </summary>
public interface IMediaReader : IAsyncDisposable
{
    /// <summary>The input's format, for messages and <c>uplink probe</c> (e.g. "FLV", "MP4", "MPEG-TS", "Matroska", "WebM").</summary>
    string FormatName { get; }

    /// <summary>The video track's media type, as <c>RtmpWriterOptions.Video</c> takes it; null when there is no video.</summary>
    VideoMediaType? Video { get; }

    /// <summary>The audio track's media type, as <c>RtmpWriterOptions.Audio</c> takes it; null when there is no audio.</summary>
    AudioMediaType? Audio { get; }

    /// <summary>
    /// The video tracks the reader delivers, the default one (<see cref="Video"/>) first; a frame's
    /// <see cref="MediaFrame.TrackIndex"/> indexes this list. Opened with <see cref="MediaReaderOptions.AllTracks"/>, every
    /// video track it can send; otherwise the default one alone.
    /// </summary>
    IReadOnlyList<VideoMediaType> VideoTracks => Video is null ? [] : [Video];

    /// <summary>Every audio track the reader can deliver, the default one (<see cref="Audio"/>) first (see <see cref="VideoTracks"/>).</summary>
    IReadOnlyList<AudioMediaType> AudioTracks => Audio is null ? [] : [Audio];

    /// <summary>
    /// The input's duration as its header declares it (FLV onMetaData, MP4 moov, Matroska Info), known before the first
    /// frame; null when it declares none (MPEG-TS, raw H.264 or AAC, an FLV without a positive duration, a live MKV).
    /// </summary>
    TimeSpan? Duration { get; }

    /// <summary>The data rates the input's header declares (FLV onMetaData); both null when it declares none.</summary>
    MediaDataRates DataRates { get; }

    /// <summary>The frame the last successful <see cref="ReadAsync"/> reached; its data is valid until the next read.</summary>
    MediaFrame Current { get; }

    /// <summary>Advances to the next frame in decode order; false at the end of the input.</summary>
    /// <exception cref="InvalidDataException">The input is malformed beyond what can be skipped (the message names the offset).</exception>
    /// <exception cref="NotSupportedException">The input holds a codec RTMP cannot carry (the message names codec and track).</exception>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default);
}
