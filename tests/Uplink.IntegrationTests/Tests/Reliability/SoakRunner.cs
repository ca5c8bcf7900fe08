using System.Diagnostics;
using System.Globalization;
using System.Net;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.Testing;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// Runs one soak: <c>uplink publish CLIP URL --json --reconnect-attempts 30 --reconnect-delay 0.5</c> of a 640x360 30 fps
/// clip (GOP 60 frames, 3000 kbit/s CBR, AAC) while the server is disrupted as <see cref="SoakSettings"/> says, waiting
/// for uplink's Connected after each disruption before the next; then hashes what the server recorded against the clip.
/// </summary>
public static class SoakRunner
{
    /// <summary>The clip's frame rate.</summary>
    public const int Fps = 30;

    /// <summary>The clip's GOP, in frames.</summary>
    public const int GopFrames = 60;

    /// <summary>Node-Media-Server's resume window: long beside uplink's reconnection, short to wait for at the end.</summary>
    private static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(5);

    /// <summary>The least time a connection lives before it is disrupted, however the schedule falls.</summary>
    private static readonly TimeSpan MinimumDwell = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the soak; <paramref name="log"/> gets a line per disruption.</summary>
    public static async Task<SoakOutcome> RunAsync(SoakSettings settings, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var clip = await ClipGenerator.GetAsync(new ClipOptions
        {
            Width = 640,
            Height = 360,
            Fps = Fps,
            GopFrames = GopFrames,
            VideoBitrateKbps = 3000,
            DurationSeconds = settings.DurationSeconds,
        });
        var stream = StreamNames.Next("soak");
        NginxRtmp? nginx = null;
        NodeMediaServer? nms = null;
        FaultInjectionProxy? proxy = null;
        try
        {
            int serverPort;
            if (settings.Mode == SoakMode.CutNms)
            {
                nms = await NodeMediaServer.StartAsync(resumeWindow: ResumeWindow);
                serverPort = nms.Port;
            }
            else
            {
                nginx = await NginxRtmp.StartAsync(keepEveryRecording: true);
                serverPort = nginx.Port;
            }

            var port = serverPort;
            if (settings.Mode != SoakMode.Kill)
            {
                proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, serverPort));
                port = proxy.Port;
            }

            var url = string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{port}/live/{stream}");
            var cycles = new List<SoakCycle>();
            var memory = new List<MemorySample>();
            ProcessResult result;
            await using (var uplink = UplinkCli.Start(["publish", clip, url, "--json", "--reconnect-attempts", "30", "--reconnect-delay", "0.5"]))
            {
                await WaitForStatusAsync(uplink, "Connected", 1);
                var clock = Stopwatch.StartNew();
                var connectedAt = TimeSpan.Zero;
                var random = new Random(settings.Seed);
                for (var k = 1; k <= settings.Disruptions; k++)
                {
                    var scheduled = TimeSpan.FromSeconds((k * settings.IntervalSeconds) + ((random.NextDouble() * 2) - 1) * settings.IntervalSeconds / 4);
                    var outage = TimeSpan.FromSeconds(0.3 + (0.7 * random.NextDouble()));
                    var at = scheduled > connectedAt + MinimumDwell ? scheduled : connectedAt + MinimumDwell;
                    if (at.TotalSeconds > settings.DurationSeconds - SoakSettings.TailSeconds + (settings.IntervalSeconds / 4))
                    {
                        log(string.Create(CultureInfo.InvariantCulture, $"stopping after {k - 1} disruptions: reconnections ran late, disruption {k} would fall at {at.TotalSeconds:0.0} s of a {settings.DurationSeconds} s clip"));
                        break;
                    }

                    if (at > clock.Elapsed)
                    {
                        await Task.Delay(at - clock.Elapsed); // the schedule is the scenario, not a wait for an event
                    }

                    memory.Add(new MemorySample(clock.Elapsed.TotalSeconds, ReadRssKb(uplink.Id)));
                    var disruptedAt = clock.Elapsed;
                    if (settings.Mode == SoakMode.Kill)
                    {
                        await nginx!.KillAsync();
                        await WaitForStatusAsync(uplink, "Reconnecting", k);
                        await Task.Delay(outage);
                        await nginx.StartAgainAsync();
                    }
                    else
                    {
                        outage = TimeSpan.Zero;
                        proxy!.CutAll();
                    }

                    await WaitForStatusAsync(uplink, "Connected", k + 1);
                    connectedAt = clock.Elapsed;
                    var cycle = new SoakCycle(k, disruptedAt.TotalSeconds, outage.TotalSeconds, (connectedAt - disruptedAt).TotalSeconds, memory[^1].RssKb);
                    cycles.Add(cycle);
                    log(string.Create(CultureInfo.InvariantCulture, $"disruption {k} at {cycle.AtSeconds:0.00} s, server down {cycle.OutageSeconds:0.00} s, Connected again after {cycle.ReconnectedAfterSeconds:0.00} s, RSS {cycle.RssKb / 1024.0:0.0} MiB"));
                }

                result = await uplink.WaitForExitAsync(TimeSpan.FromSeconds(settings.DurationSeconds + 60));
            }

            var recordings = nginx is not null
                ? await nginx.WaitForEveryRecordingAsync(stream, TimeSpan.FromSeconds(30))
                : await nms!.WaitForEveryRecordingAsync(stream, ResumeWindow + TimeSpan.FromSeconds(30));
            var decodeErrors = new List<string>();
            var recorded = new List<IReadOnlyList<FrameHash>>();
            var audio = new List<TimestampCheck>();
            KeepRecordings(recordings, stream, log);
            foreach (var recording in recordings)
            {
                var decode = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-v", "error", "-i", recording, "-f", "null", "-"], TimeSpan.FromSeconds(300));
                if (decode.TimedOut || decode.ExitCode != 0 || decode.StandardError.Trim().Length > 0)
                {
                    decodeErrors.Add($"{Path.GetFileName(recording)}: {(decode.TimedOut ? "timed out" : ProcessResult.Tail(decode.StandardError.Trim(), 600))}");
                }

                recorded.Add(await FrameHashes.ComputeAsync(recording, MediaKind.Video, HashMode.Packets));
                audio.Add(TimestampCheck.Of(await FrameHashes.ComputeAsync(recording, MediaKind.Audio, HashMode.Packets)));
            }

            var source = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
            return new SoakOutcome(
                settings,
                result,
                cycles,
                memory,
                [.. recordings.Select(Path.GetFileName).Select(n => n!)],
                decodeErrors,
                RecordingTimeline.Build(source, recorded, GopFrames),
                audio);
        }
        finally
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            if (nginx is not null)
            {
                await nginx.DisposeAsync();
            }

            if (nms is not null)
            {
                await nms.DisposeAsync();
            }
        }
    }

    /// <summary>With SOAK_KEEP_RECORDINGS=1, copies the recordings to bench/.cache/soak-recordings-STREAM/ for a look
    /// afterwards (the server's directory goes with it).</summary>
    private static void KeepRecordings(IReadOnlyList<string> recordings, string stream, Action<string> log)
    {
        if (Environment.GetEnvironmentVariable("SOAK_KEEP_RECORDINGS") != "1")
        {
            return;
        }

        var directory = Path.Combine(RequiredTools.RepositoryRoot, "bench", ".cache", "soak-recordings-" + stream);
        Directory.CreateDirectory(directory);
        foreach (var recording in recordings)
        {
            File.Copy(recording, Path.Combine(directory, Path.GetFileName(recording)), overwrite: true);
        }

        log("recordings kept in " + directory);
    }

    /// <summary>Waits for uplink's <paramref name="count"/>-th status line <paramref name="status"/> (the stats lines, once a
    /// second, name the status too: they do not count).</summary>
    private static Task<string> WaitForStatusAsync(ExternalProcess uplink, string status, int count)
    {
        var needle = $"\"status\":\"{status}\"";
        var seen = 0;
        return uplink.WaitForLineAsync(
            l => l.Contains("\"type\":\"status\"", StringComparison.Ordinal) && l.Contains(needle, StringComparison.Ordinal) && ++seen == count,
            string.Create(CultureInfo.InvariantCulture, $"{status} #{count}"),
            ReconnectTimeout);
    }

    /// <summary>The resident set of a process (VmRSS in /proc/PID/status), in KiB; 0 when it is gone.</summary>
    private static long ReadRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // exited between the disruption and the sample
        }

        return 0;
    }
}

/// <summary>One disruption: when (seconds from the first Connected), how long the server was down (kill mode), how long
/// until uplink said Connected again, and uplink's resident set just before it.</summary>
public sealed record SoakCycle(int Number, double AtSeconds, double OutageSeconds, double ReconnectedAfterSeconds, long RssKb);

/// <summary>uplink's resident set at a moment of the soak.</summary>
public sealed record MemorySample(double Seconds, long RssKb);
