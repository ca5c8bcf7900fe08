namespace Uplink.Media;

/// <summary>How a reader treats its stream and where it reports what it skipped.</summary>
public sealed record MediaReaderOptions
{
    /// <summary>Leave the stream open when the reader is disposed.</summary>
    public bool LeaveOpen { get; init; }

    /// <summary>
    /// Deliver the frames of every video and audio track (<see cref="IMediaReader.VideoTracks"/>,
    /// <see cref="IMediaReader.AudioTracks"/>), each frame naming its track in <see cref="MediaFrame.TrackIndex"/>;
    /// false (the default) delivers the default video and audio track only.
    /// </summary>
    public bool AllTracks { get; init; }

    /// <summary>
    /// Called with one line for each piece of damage the reader skipped and went on (a lost sync byte, a
    /// continuity gap, a truncated last frame); null to ignore them.
    /// </summary>
    public Action<string>? OnWarning { get; init; }
}
