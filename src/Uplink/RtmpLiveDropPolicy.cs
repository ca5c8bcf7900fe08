namespace Uplink;

/// <summary>
/// When live mode drops frames (<see cref="RtmpWriterOptions.LiveMode"/>): once the media waiting to be sent spans more
/// than <see cref="DisposableFrames"/>, non-reference video frames (nothing is predicted from them) go; past
/// <see cref="InterFrames"/>, every video frame but keyframes goes until the next keyframe. Audio goes last, only when
/// <see cref="RtmpWriterOptions.OutputBufferSize"/> is full. The defaults are OBS's (700 ms and 900 ms).
/// </summary>
public sealed record RtmpLiveDropPolicy
{
    /// <summary>Buffered media duration past which non-reference (disposable) video frames are dropped (default 700 ms).</summary>
    public TimeSpan DisposableFrames { get; init; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Buffered media duration past which inter frames are dropped until the next keyframe (default 900 ms).</summary>
    public TimeSpan InterFrames { get; init; } = TimeSpan.FromMilliseconds(900);

    /// <summary>
    /// A multitrack stream (<see cref="RtmpWriterOptions.AdditionalVideoTracks"/>) first stops sending whole tracks, highest
    /// bitrate first, when the buffered media passes <see cref="DisposableFrames"/>, one at a time (the next only once what
    /// was buffered before has gone out), keeping the lowest video rendition and the default audio track to the last: only
    /// when nothing else is left do their frames go as above. A stopped track is sent again (video from its next keyframe) once the buffer has
    /// stayed under half of <see cref="DisposableFrames"/> for this much stream time (default 10 s).
    /// </summary>
    public TimeSpan RenditionRecovery { get; init; } = TimeSpan.FromSeconds(10);
}
