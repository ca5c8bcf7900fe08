using System.Globalization;
using System.Text;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>What one soak did and measured, the checks it must pass, and its report.</summary>
/// <param name="Settings">The soak's parameters.</param>
/// <param name="Uplink">How the uplink process ended and what it printed.</param>
/// <param name="Cycles">Each disruption made.</param>
/// <param name="Memory">uplink's resident set, once per cycle.</param>
/// <param name="Recordings">The recordings' file names, oldest first.</param>
/// <param name="DecodeErrors">Recordings that did not decode cleanly from their start, with FFmpeg's complaint.</param>
/// <param name="Timeline">The recorded video frames mapped onto the clip.</param>
/// <param name="AudioTimestamps">Each recording's audio timestamp continuity.</param>
public sealed record SoakOutcome(
    SoakSettings Settings,
    ProcessResult Uplink,
    IReadOnlyList<SoakCycle> Cycles,
    IReadOnlyList<MemorySample> Memory,
    IReadOnlyList<string> Recordings,
    IReadOnlyList<string> DecodeErrors,
    RecordingTimeline Timeline,
    IReadOnlyList<TimestampCheck> AudioTimestamps)
{
    private const double FrameIntervalMs = 1000.0 / SoakRunner.Fps;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>uplink's Connected status lines: the first connection and one per reconnection.</summary>
    public int Connected => Uplink.StandardOutput.Split('\n').Count(l => l.Contains("\"type\":\"status\"", StringComparison.Ordinal) && l.Contains("\"status\":\"Connected\"", StringComparison.Ordinal));

    /// <summary>Each reconnection's cost.</summary>
    public IReadOnlyList<Discontinuity> PerReconnection => Timeline.PerReconnection(Cycles.Count);

    /// <summary>Reconnections that repeated more than one GOP.</summary>
    public int RepeatedMoreThanAGop => PerReconnection.Count(d => d.Repeated > SoakRunner.GopFrames);

    /// <summary>The mean resident set of the second and of the last quarter of the samples, in KiB.</summary>
    public (double Second, double Last) MemoryQuarters
    {
        get
        {
            var n = Memory.Count;
            if (n < 4)
            {
                return (double.NaN, double.NaN);
            }

            return (Memory.Skip(n / 4).Take((n / 2) - (n / 4)).Average(m => m.RssKb), Memory.Skip(n - (n / 4)).Average(m => m.RssKb));
        }
    }

    /// <summary>
    /// Fewer cycles than this do not judge memory: in every 100-cycle run so far the RSS rose ~0.5 MiB a cycle for the
    /// first ~45 cycles (the heap growing to its working size) and then stayed level, so a short run sees only the rise.
    /// </summary>
    public const int MemoryJudgedFromCycles = 60;

    /// <summary>Whether the run is long enough to judge memory (see <see cref="MemoryJudgedFromCycles"/>).</summary>
    public bool MemoryJudged => Cycles.Count >= MemoryJudgedFromCycles;

    /// <summary>"Flat": the last quarter's mean within 15 % or 4 MiB of the second quarter's.</summary>
    public bool MemoryFlat
    {
        get
        {
            var (second, last) = MemoryQuarters;
            return double.IsNaN(second) || last <= Math.Max(second * 1.15, second + (4 * 1024));
        }
    }

    /// <summary>The largest timestamp step a recording may have: a frame interval plus the longest time uplink was away.</summary>
    public double AllowedJumpMs => FrameIntervalMs + 1 + (Cycles.Count == 0 ? 0 : Cycles.Max(c => c.ReconnectedAfterSeconds) * 1000);

    /// <summary>
    /// The failed checks, empty when the soak passed: uplink exited 0 with one Connected per reconnection, every recording
    /// decodes from its start, no source frame is missing, between sent − 1 % and sent + <paramref name="extraGops"/>
    /// GOPs were recorded; with <paramref name="checkMemory"/> uplink's memory stayed flat; for the continuous recording
    /// of cut-nms the timestamps only go up, by at most <see cref="AllowedJumpMs"/>.
    /// </summary>
    public IReadOnlyList<string> Problems(int extraGops, bool checkMemory)
    {
        var problems = new List<string>();
        if (Uplink.TimedOut || Uplink.ExitCode != 0)
        {
            problems.Add($"uplink did not exit 0: {Uplink.Describe()}");
        }

        if (Cycles.Count != Settings.Disruptions)
        {
            problems.Add(string.Create(Inv, $"{Cycles.Count} of {Settings.Disruptions} disruptions made"));
        }

        if (Connected != Cycles.Count + 1)
        {
            problems.Add(string.Create(Inv, $"{Connected} Connected for {Cycles.Count} disruptions (want {Cycles.Count + 1})"));
        }

        problems.AddRange(DecodeErrors.Select(e => "does not decode cleanly: " + e));
        if (Timeline.Missing != 0)
        {
            problems.Add(string.Create(Inv, $"{Timeline.Missing} of {Timeline.Sent} source video frames in no recording ({Timeline.LostAtStart} before the first recorded, {Timeline.LostAtEnd} after the last)"));
        }

        var low = Timeline.Sent * 0.99;
        var high = Timeline.Sent + (extraGops * SoakRunner.GopFrames);
        if (Timeline.Recorded < low || Timeline.Recorded > high)
        {
            problems.Add(string.Create(Inv, $"{Timeline.Recorded} video frames recorded, outside {low:0} to {high} ({Timeline.Sent} sent, {extraGops} GOPs of repeats allowed)"));
        }

        if (checkMemory && MemoryJudged && !MemoryFlat)
        {
            var (second, last) = MemoryQuarters;
            problems.Add(string.Create(Inv, $"uplink's memory grew: {second / 1024:0.0} MiB mean in the second quarter, {last / 1024:0.0} MiB in the last"));
        }

        if (Settings.Mode == SoakMode.CutNms)
        {
            foreach (var (check, i) in Timeline.Timestamps.Select((c, i) => (c, i)))
            {
                if (check.NotIncreasing > 0 || check.MaxJumpMs > AllowedJumpMs || check.KeyframesPresentedEarly > 0)
                {
                    problems.Add(string.Create(Inv, $"recording {i}: {check.NotIncreasing} video timestamps not increasing, largest step {check.MaxJumpMs} ms (at most {AllowedJumpMs:0} allowed), {check.KeyframesPresentedEarly} keyframes presented no later than an earlier frame"));
                }

                var sound = AudioTimestamps[i];
                if (sound.NotIncreasing > 0 || sound.MaxJumpMs > AllowedJumpMs)
                {
                    problems.Add(string.Create(Inv, $"recording {i}: {sound.NotIncreasing} audio timestamps not increasing, largest step {sound.MaxJumpMs} ms (at most {AllowedJumpMs:0} allowed)"));
                }
            }
        }

        return problems;
    }

    /// <summary>The report, in Markdown.</summary>
    public string ToMarkdown(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var s = Settings;
        var t = Timeline;
        var per = PerReconnection;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(Inv));

        Line($"# Soak: {s.ModeName}, {Cycles.Count} disruptions");
        Line($"");
        Line($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Clip: {s.DurationSeconds} s, 640x360 {SoakRunner.Fps} fps, GOP {SoakRunner.GopFrames} frames, 3000 kbit/s CBR H.264 + AAC. Disruptions every {s.IntervalSeconds:0.##} s ± 25 % (seed {s.Seed}); `uplink publish --json --reconnect-attempts 30 --reconnect-delay 0.5`.");
        Line($"");
        Line($"**{(problems.Count == 0 ? "PASS" : "FAIL")}**");
        foreach (var problem in problems)
        {
            Line($"- {problem.Split('\n')[0]}");
        }

        Line($"");
        Line($"| measure | value |");
        Line($"| --- | ---: |");
        Line($"| uplink exit code | {(Uplink.TimedOut ? "timed out" : Uplink.ExitCode.ToString(Inv))} |");
        Line($"| Connected (first + reconnections) | {Connected} |");
        Line($"| recordings | {Recordings.Count} ({DecodeErrors.Count} not decoding cleanly) |");
        Line($"| video frames sent | {t.Sent} |");
        Line($"| video frames recorded | {t.Recorded} ({t.Recorded - t.Sent:+0;-0;0}, {(t.Recorded - t.Sent) / (double)SoakRunner.GopFrames:0.0} GOPs) |");
        Line($"| source frames missing | {t.Missing} |");
        Line($"| recorded frames not in the source | {t.Unknown} |");
        Line($"| discontinuities found | {t.Discontinuities.Count} ({t.Discontinuities.Count(d => d.AtBoundary)} at recording boundaries) |");
        Line($"| reconnections repeating more than one GOP | {RepeatedMoreThanAGop} |");
        if (Cycles.Count > 0)
        {
            Line($"| Connected again after a disruption, s (min / median / max) | {Cycles.Min(c => c.ReconnectedAfterSeconds):0.00} / {Median(Cycles.Select(c => c.ReconnectedAfterSeconds)):0.00} / {Cycles.Max(c => c.ReconnectedAfterSeconds):0.00} |");
        }

        var (second, last) = MemoryQuarters;
        Line($"| uplink RSS, MiB (first / 2nd-quarter mean / last-quarter mean / max) | {(Memory.Count > 0 ? Memory[0].RssKb / 1024.0 : double.NaN):0.0} / {second / 1024:0.0} / {last / 1024:0.0} / {(Memory.Count > 0 ? Memory.Max(m => m.RssKb) / 1024.0 : double.NaN):0.0} ({(!MemoryJudged ? $"not judged under {MemoryJudgedFromCycles} cycles" : MemoryFlat ? "flat" : "growing")}) |");
        var stamps = t.Timestamps;
        if (stamps.Count > 0)
        {
            Line($"| video dts not increasing (all recordings) | {stamps.Sum(c => c.NotIncreasing)} |");
            Line($"| largest video dts step, ms (allowed {AllowedJumpMs:0}) | {stamps.Max(c => c.MaxJumpMs)} |");
            Line($"| keyframes presented no later than an earlier frame (pts) | {stamps.Sum(c => c.KeyframesPresentedEarly)} |");
            Line($"| audio dts not increasing / largest step, ms | {AudioTimestamps.Sum(c => c.NotIncreasing)} / {(AudioTimestamps.Count > 0 ? AudioTimestamps.Max(c => c.MaxJumpMs) : 0)} |");
        }

        Line($"");
        Line($"Per reconnection ({per.Count}; a reconnection with no discontinuity counts as 0 and 0):");
        Line($"");
        Line($"| frames | min | median | p90 | max | total |");
        Line($"| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, values) in new[] { ("lost", per.Select(d => d.Lost).ToArray()), ("repeated", per.Select(d => d.Repeated).ToArray()) })
        {
            if (values.Length > 0)
            {
                Line($"| {name} | {values.Min()} | {Median(values.Select(v => (double)v)):0.#} | {Percentile(values, 0.9)} | {values.Max()} | {values.Sum()} |");
            }
        }

        Line($"");
        Line($"Discontinuities (recording, source frame before → after, lost, repeated):");
        Line($"");
        Line($"```");
        foreach (var d in t.Discontinuities)
        {
            Line($"{(d.AtBoundary ? "boundary" : "inside  ")} rec {d.Recording,4}  {d.Before,6} -> {d.After,6}  lost {d.Lost,4}  repeated {d.Repeated,4}");
        }

        Line($"```");
        Line($"");
        Line($"Cycles (disruption, at s, server down s, Connected again after s, uplink RSS MiB):");
        Line($"");
        Line($"```");
        foreach (var c in Cycles)
        {
            Line($"{c.Number,4}  {c.AtSeconds,8:0.00}  {c.OutageSeconds,5:0.00}  {c.ReconnectedAfterSeconds,5:0.00}  {c.RssKb / 1024.0,7:0.0}");
        }

        Line($"```");
        var summary = Uplink.StandardOutput.Split('\n').LastOrDefault(l => l.Contains("\"type\":\"summary\"", StringComparison.Ordinal));
        if (summary is not null)
        {
            Line($"");
            Line($"uplink's summary: `{summary.Trim()}`");
        }

        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static int Percentile(int[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
