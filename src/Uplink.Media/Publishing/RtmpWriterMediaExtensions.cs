namespace Uplink.Media;

/// <summary>
/// The bridge from a reader to a writer: one frame (<see cref="WriteAsync(RtmpWriter, MediaFrame, TimeSpan, CancellationToken)"/>), or a whole input with real-time pacing,
/// loops and cancellation (<see cref="PublishAsync"/>) — the loop every publishing program needs, written once.
/// </summary>
public static class RtmpWriterMediaExtensions
{
    /// <summary>
    /// Writes one frame as its track and kind say: a configuration frame (sequence header) replaces the track's
    /// configuration, a video frame goes with its DTS and PTS, an audio frame with its timestamp.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="frame">The frame; its memory need only live until this call returns.</param>
    /// <param name="offset">Added to the frame's timestamps (a later pass of a loop continues where the last one ended).</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    public static ValueTask WriteAsync(this RtmpWriter writer, MediaFrame frame, TimeSpan offset = default, CancellationToken cancellationToken = default) =>
        WriteAsync(writer, frame, frame.TrackIndex, offset, cancellationToken);

    /// <summary>Writes one frame to writer track <paramref name="track"/> of its kind (see <see cref="MediaTrackMap"/>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="frame">The frame; its memory need only live until this call returns.</param>
    /// <param name="track">The writer's track of the frame's kind (0, the default track).</param>
    /// <param name="offset">Added to the frame's timestamps.</param>
    /// <param name="cancellationToken">Cancels waiting for the connection or the socket.</param>
    public static async ValueTask WriteAsync(this RtmpWriter writer, MediaFrame frame, int track, TimeSpan offset = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        bool video = frame.Track == MediaTrack.Video;
        if (frame.IsConfiguration)
        {
            await (video ? writer.SetVideoConfigurationAsync(track, frame.Data, cancellationToken) : writer.SetAudioConfigurationAsync(track, frame.Data, cancellationToken)).ConfigureAwait(false);
        }
        else if (video)
        {
            await writer.WriteVideoAsync(track, frame.Data, frame.Dts + offset, frame.Pts + offset, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await writer.WriteAudioAsync(track, frame.Data, frame.Dts + offset, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes every frame of <paramref name="reader"/> in order — in real time unless <see cref="MediaPublishOptions.RealTime"/>
    /// is false — as many times as <see cref="MediaPublishOptions.Loops"/> says, each pass continuing the timestamps where the
    /// last one ended. Does not connect or disconnect: the first write connects, and the caller disconnects when it is done.
    /// </summary>
    /// <param name="writer">The writer, with the media types the reader declares (<see cref="IMediaReader.Video"/>, <see cref="IMediaReader.Audio"/>).</param>
    /// <param name="reader">The input; left open (the readers <see cref="MediaPublishOptions.Reopen"/> makes are disposed here).</param>
    /// <param name="options">Pacing, loops, progress; null for one real-time pass.</param>
    /// <param name="cancellationToken">Stops publishing between frames (an <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ArgumentException"><see cref="MediaPublishOptions.Loops"/> is negative, or not 1 without <see cref="MediaPublishOptions.Reopen"/>.</exception>
    public static async Task<MediaPublishResult> PublishAsync(this RtmpWriter writer, IMediaReader reader, MediaPublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new MediaPublishOptions();
        if (options.Loops < 0 || (options.Loops != 1 && options.Reopen is null))
        {
            throw new ArgumentException($"Loops is {options.Loops}: it must be 0 (until cancelled) or more, and anything but 1 needs Reopen to open the input again.", nameof(options));
        }

        TimeProvider clock = options.TimeProvider;
        long started = clock.GetTimestamp();
        TimeSpan offset = TimeSpan.Zero;
        TimeSpan? origin = null;
        TimeSpan position = TimeSpan.Zero;
        int loops = 0;
        for (int pass = 0; options.Loops == 0 || pass < options.Loops; pass++)
        {
            IMediaReader current = pass == 0 ? reader : await options.Reopen!(cancellationToken).ConfigureAwait(false);
            try
            {
                var span = new PassSpan();
                while (await current.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    MediaFrame frame = current.Current;
                    int track = frame.TrackIndex;
                    if (options.Tracks is { } map && !map.TryMap(frame, out track))
                    {
                        continue;
                    }

                    if (frame.IsConfiguration)
                    {
                        await writer.WriteAsync(frame, track, offset, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    TimeSpan dts = frame.Dts + offset;
                    origin ??= dts;
                    if (options.RealTime)
                    {
                        TimeSpan wait = dts - origin.Value - clock.GetElapsedTime(started);
                        if (wait > TimeSpan.FromMilliseconds(1))
                        {
                            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await writer.WriteAsync(frame, track, offset, cancellationToken).ConfigureAwait(false);
                    span.Add(frame);
                    position = dts - origin.Value;
                    options.Progress?.Invoke(new MediaPublishProgress(position, loops));
                }

                offset += span.Length;
                loops = pass + 1;
                options.Progress?.Invoke(new MediaPublishProgress(position, loops));
            }
            finally
            {
                if (pass > 0)
                {
                    await current.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        return new MediaPublishResult(loops, offset);
    }

    /// <summary>
    /// The media time one pass covers: from its first frame to the end of its last, a frame lasting as long as the step
    /// from the previous frame of its track — so the next pass starts right after this one, not on top of its last frame.
    /// </summary>
    private struct PassSpan
    {
        private TimeSpan? _first;
        private TimeSpan _end;
        private TimeSpan? _lastVideo;
        private TimeSpan? _lastAudio;
        private TimeSpan _videoStep;
        private TimeSpan _audioStep;

        public readonly TimeSpan Length => _end - (_first ?? TimeSpan.Zero);

        public void Add(in MediaFrame frame)
        {
            _first ??= frame.Dts;
            TimeSpan step;
            if (frame.Track == MediaTrack.Video)
            {
                _videoStep = _lastVideo is TimeSpan last && frame.Dts > last ? frame.Dts - last : _videoStep;
                _lastVideo = frame.Dts;
                step = _videoStep;
            }
            else
            {
                _audioStep = _lastAudio is TimeSpan last && frame.Dts > last ? frame.Dts - last : _audioStep;
                _lastAudio = frame.Dts;
                step = _audioStep;
            }

            TimeSpan end = frame.Dts + step;
            _end = end > _end ? end : _end;
        }
    }
}
