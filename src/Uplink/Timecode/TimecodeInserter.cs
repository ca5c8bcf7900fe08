using Uplink.Buffers;

namespace Uplink.Timecode;

/// <summary>
/// <see cref="RtmpWriterOptions.Timecode"/>: decides when an <c>onFI</c> is due (every interval of media time) and writes
/// it. The wall clock is read once, at the first frame; from there on it advances with the media, not with the sending.
/// </summary>
internal sealed class TimecodeInserter(RtmpTimecodeOptions options, TimeProvider timeProvider)
{
    private TimeSpan? _first;
    private TimeSpan _next;
    private DateTime _wallClockAtFirst;

    /// <summary>Writes an <c>onFI</c> body into <paramref name="output"/> when one is due at <paramref name="time"/>.</summary>
    /// <param name="time">The media time of the frame just added.</param>
    /// <param name="sourceFrameRate">The frame rate for the SMPTE <c>tc</c> field when the options give none.</param>
    /// <param name="output">Where the <c>onFI</c> body goes (cleared first).</param>
    /// <returns>Whether one was written.</returns>
    public bool TryWrite(TimeSpan time, double? sourceFrameRate, PooledBufferWriter output)
    {
        if (_first is not TimeSpan first)
        {
            _first = first = time;
            _next = time;
            _wallClockAtFirst = timeProvider.GetLocalNow().DateTime;
        }

        if (time < _next)
        {
            return false;
        }

        TimeSpan streamTime = time - first;
        _next = first + (options.Interval * ((streamTime.Ticks / options.Interval.Ticks) + 1));
        double? frameRate = options.SmpteTimecode ? options.FrameRate ?? sourceFrameRate : null;
        output.Clear();
        FrameInfoBuilder.Write(output, _wallClockAtFirst + streamTime, streamTime, frameRate);
        return true;
    }
}
