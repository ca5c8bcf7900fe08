namespace Uplink.Media;

/// <summary>How <see cref="RtmpWriterMediaExtensions.PublishAsync"/> plays an input.</summary>
public sealed record MediaPublishOptions
{
    /// <summary>Send each frame at its timestamp, as a live encoder would (default); false sends as fast as the server takes them.</summary>
    public bool RealTime { get; init; } = true;

    /// <summary>How many times to play the input (default 1); 0 plays it until cancelled. Each pass continues the timestamps.</summary>
    public int Loops { get; init; } = 1;

    /// <summary>Opens the input again for each pass after the first (e.g. <c>ct => MediaReader.OpenAsync(File.OpenRead(path), cancellationToken: ct)</c>); needed when <see cref="Loops"/> is not 1.</summary>
    public Func<CancellationToken, ValueTask<IMediaReader>>? Reopen { get; init; }

    /// <summary>Told where publishing is after each frame and at the end of each pass; called on the publishing thread.</summary>
    public Action<MediaPublishProgress>? Progress { get; init; }

    /// <summary>
    /// Which of the reader's tracks go to which of the writer's (see <see cref="MediaTrackMap"/>); frames of other tracks are
    /// skipped. Null: each frame goes to the writer track of its <see cref="MediaFrame.TrackIndex"/> (the default tracks,
    /// unless the reader was opened with <see cref="MediaReaderOptions.AllTracks"/>).
    /// </summary>
    public MediaTrackMap? Tracks { get; init; }

    /// <summary>The clock real-time pacing follows (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
