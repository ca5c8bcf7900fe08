using System.Globalization;

namespace Uplink.Cli;

/// <summary>
/// What <c>uplink publish</c> reports about each destination when the stream has several: their status changes, a
/// line each under the live progress line, each one's result at the end, and the exit code those results make.
/// </summary>
internal sealed class DestinationOutput
{
    private readonly CommandOutput _output;
    private readonly bool _quiet;
    private Dictionary<string, RtmpWriterStats> _previous = [];
    private int _linesShown;

    public DestinationOutput(CommandOutput output, bool quiet)
    {
        _output = output;
        _quiet = quiet;
    }

    /// <summary>One result per destination, taken once the stream ended.</summary>
    public sealed record Result(string Name, RtmpWriterStats Stats, string? Failure);

    /// <summary>A destination's status change: a JSON line with its name, or a line on stderr.</summary>
    public void Status(RtmpWriterStatusChangedEventArgs e)
    {
        if (_output.Json is not null)
        {
            _output.Json.Status(e, e.Destination);
        }
        else if (!_quiet)
        {
            _output.Stderr.WriteLine($"uplink: {e.Destination}: {e.Status} ({(int)e.Status}): {e.Reason}");
        }
    }

    /// <summary>With --json, every second: each destination's stats line.</summary>
    public void Stats(IReadOnlyList<RtmpWriterDestination> destinations)
    {
        foreach (RtmpWriterDestination d in destinations)
        {
            _output.Json?.Stats(d.GetStats(), d.Name);
        }
    }

    /// <summary>
    /// On a terminal, every second: the stream's progress line, then one line per destination, written over the
    /// previous ones (the cursor goes back up to the first).
    /// </summary>
    public string LiveLines(string streamLine, IReadOnlyList<RtmpWriterDestination> destinations)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        if (_linesShown > 0)
        {
            text.Append(inv, $"\x1b[{_linesShown}F");
        }

        text.Append("\r\x1b[2K").Append(streamLine).Append('\n');
        var now = new Dictionary<string, RtmpWriterStats>();
        foreach (RtmpWriterDestination d in destinations)
        {
            RtmpWriterStats s = d.GetStats();
            now[d.Name] = s;
            double kbps = _previous.TryGetValue(d.Name, out RtmpWriterStats before) ? (s.BytesSent - before.BytesSent) * 8 / 1000d : 0;
            string state = d.Failure is null ? s.Status.ToString() : "Failed";
            text.Append("\x1b[2K").Append(string.Create(
                inv,
                $"  {d.Name,-44} {state,-12} {kbps,6:0} kbit/s  {s.VideoFramesDropped + s.AudioFramesDropped} dropped  {s.QueuedBytes / 1024} KiB queued  {s.Reconnects} reconnects")).Append('\n');
        }

        _previous = now;
        _linesShown = destinations.Count + 1;
        return text.ToString();
    }

    /// <summary>Erases what <see cref="LiveLines"/> wrote.</summary>
    public string ClearLiveLines()
    {
        if (_linesShown == 0)
        {
            return "";
        }

        string clear = string.Create(CultureInfo.InvariantCulture, $"\x1b[{_linesShown}F\x1b[0J");
        _linesShown = 0;
        return clear;
    }

    /// <summary>Each destination's result: a JSON line, or a line on stderr (a failure also unless --quiet).</summary>
    public void Report(IReadOnlyList<Result> results)
    {
        foreach (Result r in results)
        {
            if (_output.Json is not null)
            {
                _output.Json.DestinationResult(r.Name, r.Stats, r.Failure);
                continue;
            }

            var inv = CultureInfo.InvariantCulture;
            string counts = string.Create(inv, $"{r.Stats.VideoFramesSent} video + {r.Stats.AudioFramesSent} audio frames, {r.Stats.BytesSent} bytes, {r.Stats.Reconnects} reconnects") +
                (r.Stats.VideoFramesDropped + r.Stats.AudioFramesDropped > 0 ? string.Create(inv, $", dropped {r.Stats.VideoFramesDropped} video, {r.Stats.AudioFramesDropped} audio") : "");
            if (r.Failure is not null)
            {
                _output.Stderr.WriteLine($"uplink: {r.Name}: failed: {r.Failure.ReplaceLineEndings(" ")} (sent {counts})");
            }
            else if (!_quiet)
            {
                _output.Stderr.WriteLine($"uplink: {r.Name}: complete: {counts}");
            }
        }
    }

    /// <summary>0 when every destination received the whole stream, 4 when only some did, 3 when none did.</summary>
    public static int ExitCode(IReadOnlyList<Result> results)
    {
        int failed = results.Count(r => r.Failure is not null);
        return failed == 0 ? ExitCodes.Success : failed < results.Count ? ExitCodes.SomeDestinationsFailed : ExitCodes.Connection;
    }
}
