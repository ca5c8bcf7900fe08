using System.Diagnostics;

namespace Uplink.LoadTest;

/// <summary>
/// One publisher: an <see cref="RtmpWriter"/> and where it is in the looped stream. The shared pacing loop calls
/// <see cref="Tick"/>; when frames are due and no send is in flight, it starts one asynchronous send of everything
/// due, so no thread is held per stream. Its clock starts <c>startDelayMs</c> late, which spreads the streams'
/// keyframes over the GOP instead of sending them all at once.
/// </summary>
internal sealed class Publisher
{
    private readonly SyntheticStream _stream;
    private readonly Stopwatch _clock;
    private readonly long _startDelayMs;
    private Task _sending = Task.CompletedTask;
    private int _next;
    private long _passOffsetMs;

    public Publisher(RtmpWriter writer, SyntheticStream stream, Stopwatch clock, long startDelayMs)
    {
        Writer = writer;
        _stream = stream;
        _clock = clock;
        _startDelayMs = startDelayMs;
    }

    public RtmpWriter Writer { get; }

    /// <summary>Why this publisher stopped, null while it runs.</summary>
    public string? Error { get; private set; }

    /// <summary>Frames handed to the writer.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>The most a frame was handed to the writer after its due time, in ms.</summary>
    public long MaxLagMs { get; private set; }

    /// <summary>The send in flight, or a completed task.</summary>
    public Task Sending => _sending;

    private long NextDueMs => _startDelayMs + _passOffsetMs + _stream.Frames[_next].DtsMs;

    /// <summary>Remembers a failure to connect.</summary>
    public void Fail(string error) => Error ??= error;

    /// <summary>Starts sending what is due by now, unless a send is still in flight or the publisher failed.</summary>
    public void Tick(long nowMs)
    {
        if (Error is null && _sending.IsCompleted && NextDueMs <= nowMs)
        {
            _sending = SendDueAsync(nowMs);
        }
    }

    private async Task SendDueAsync(long nowMs)
    {
        try
        {
            while (NextDueMs <= nowMs)
            {
                MaxLagMs = Math.Max(MaxLagMs, _clock.ElapsedMilliseconds - NextDueMs);
                StreamFrame frame = _stream.Frames[_next];
                TimeSpan dts = TimeSpan.FromMilliseconds(_passOffsetMs + frame.DtsMs);
                if (frame.IsVideo)
                {
                    await Writer.WriteVideoAsync(frame.Data, dts, TimeSpan.FromMilliseconds(_passOffsetMs + frame.PtsMs)).ConfigureAwait(false);
                }
                else
                {
                    await Writer.WriteAudioAsync(frame.Data, dts).ConfigureAwait(false);
                }

                FramesWritten++;
                if (++_next == _stream.Frames.Count)
                {
                    _next = 0;
                    _passOffsetMs += _stream.DurationMs;
                }
            }
        }
        catch (Exception ex) when (ex is RtmpException or IOException or InvalidOperationException or ArgumentException)
        {
            Error ??= ex.Message;
        }
    }
}
