namespace Uplink;

/// <summary>
/// Timecode in the stream's data (the original filter's "Timecode Options", as Flash Media Live Encoder embeds it):
/// an <c>onFI</c> data message every <see cref="Interval"/> of media time, right after the frame it labels and with
/// that frame's timestamp, holding <c>sd</c> (date, <c>dd-MM-yy</c>) and <c>st</c> (time, <c>HH:mm:ss.fff</c>) of the
/// wall clock, and with <see cref="SmpteTimecode"/> also <c>tc</c> (<c>HH:MM:SS:FF</c>). The wall clock is
/// <see cref="RtmpWriterOptions.TimeProvider"/>'s local time read once, at the first frame, and advanced by the frames'
/// decode timestamps (the messages' timestamps) from there, so the labels follow the stream, not the moment of sending. With video the labels go after
/// video frames; in an audio-only stream after audio frames. Live mode never drops them (they count as configuration).
/// </summary>
public sealed record RtmpTimecodeOptions
{
    /// <summary>The longest <see cref="Interval"/>, in seconds (1 hour).</summary>
    public const int MaxIntervalSeconds = 3600;

    /// <summary>The highest <see cref="FrameRate"/>.</summary>
    public const double MaxFrameRate = 1000;

    /// <summary>Media time between two <c>onFI</c> messages (default 1 s; more than 0, at most 1 hour). The first goes
    /// with the first frame, the next with the first frame at or after each further multiple of the interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Also send <c>tc</c>, the SMPTE timecode <c>HH:MM:SS:FF</c> of the labelled frame: its time since the first frame
    /// counted in frames at <see cref="FrameRate"/>. Non-drop-frame: at 29.97 fps frames are numbered 0 to 29 in every
    /// timecode second, so the timecode falls behind the clock by 3.6 s an hour, as NDF timecode does. Off by default.
    /// </summary>
    public bool SmpteTimecode { get; init; }

    /// <summary>The frame rate for <c>tc</c> (1 to 1000); null takes the SPS's timing info, then
    /// <see cref="VideoMediaType.FrameRate"/>. When no frame rate is known, <c>tc</c> is left out.</summary>
    public double? FrameRate { get; init; }

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the one out of range.</summary>
    public void Validate()
    {
        if (Interval <= TimeSpan.Zero || Interval > TimeSpan.FromSeconds(MaxIntervalSeconds))
        {
            throw new ArgumentException($"{nameof(RtmpWriterOptions.Timecode)}.{nameof(Interval)} must be more than 0 and at most 1 hour, got {Interval}.", nameof(Interval));
        }

        if (FrameRate is double fps && (double.IsNaN(fps) || fps < 1 || fps > MaxFrameRate))
        {
            throw new ArgumentException($"{nameof(RtmpWriterOptions.Timecode)}.{nameof(FrameRate)} must be 1 to {MaxFrameRate}, got {fps}.", nameof(FrameRate));
        }
    }
}
