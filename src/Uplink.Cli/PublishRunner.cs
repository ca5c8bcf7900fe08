using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Uplink.Media;

namespace Uplink.Cli;

/// <summary>Runs <c>uplink publish</c>: reads the input, paces it, writes it to the server, reports.</summary>
internal sealed class PublishRunner
{
    private readonly PublishSettings _settings;
    private readonly CommandOutput _output;
    private readonly InputSource _input;
    private readonly DestinationOutput _destinations;
    private string? _onlyDestination;
    private TimeSpan _mediaPosition;
    private TimeSpan? _total;
    private int _loopsDone;

    public PublishRunner(PublishSettings settings, TextWriter stdout, TextWriter stderr)
    {
        _settings = settings;
        _output = new CommandOutput(stdout, stderr, settings.Json, settings.Verbose);
        _destinations = new DestinationOutput(_output, settings.Quiet);
        _input = new InputSource(settings.Input, settings.Audio, settings.FrameRate, _output.Warn, settings.AllTracks || settings.Tracks is not null);
    }

    public Task<int> RunAsync(CancellationToken cancellationToken) => _output.RunAsync(PublishAsync, () => _input.Name, cancellationToken);

    private async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        PublishTargets targets = PublishTargets.Create(_settings);
        if (targets.All.Count > 0 && _settings.Record is not null)
        {
            throw new InputException("--record goes with the embedded server: leave out the URL");
        }

        if (_input.IsStdin && _settings.Loop != 1)
        {
            throw new InputException("--loop needs a file: stdin cannot be read twice");
        }

        if (_settings.AllTracks && _settings.Tracks is not null)
        {
            throw new InputException("--all-tracks sends every track; --track picks some: give one or the other");
        }

        if (_settings.Live && !_settings.Realtime)
        {
            _output.Warn("--live with --no-realtime: reading outruns the network, so live mode drops every frame it cannot send within 0.9 s of media; live mode is meant for real-time input");
        }

        // Disposed last: after the writer, so its final events are in the log.
        using ILoggerFactory? log = _settings.Connection.OpenLog(_output.Stderr);
        ILogger? statsLog = _settings.Connection.TraceLevel >= 3 ? log?.CreateLogger(TraceLogging.CliCategory) : null;
        IMediaReader reader = await _input.OpenAsync(cancellationToken).ConfigureAwait(false);
        RtmpWriter? writer = null;
        EmbeddedTarget? embedded = null;
        try
        {
            // No URL: publish to the embedded server, in this process, on an ephemeral loopback port.
            embedded = targets.All.Count == 0 ? await EmbeddedTarget.StartAsync(_settings.Record, cancellationToken).ConfigureAwait(false) : null;
            string urlText = embedded?.Url ?? targets.All[0].Url;
            RtmpUrl url = RtmpUrl.Parse(urlText);
            _onlyDestination = targets.Several ? null : url.ToString();
            if (reader.Video is null && reader.Audio is null)
            {
                throw new InputException($"{_input.Name}: no H.264 video or AAC audio found");
            }

            MediaTrackMap tracks = TrackMap(reader);
            var options = new RtmpWriterOptions
            {
                Url = urlText,
                ChunkSize = _settings.ChunkSize,
                OnStatusChanged = ReportStatus,
                Reconnect = new RtmpReconnectOptions(_settings.ReconnectAttempts, TimeSpan.FromSeconds(_settings.ReconnectDelaySeconds)) { RetryFirstConnect = _settings.WaitForServer },
                SendTimeout = TimeSpan.FromSeconds(_settings.SendTimeoutSeconds),
                TcpNoDelay = !_settings.NoTcpNoDelay,
                SocketSendBufferSize = _settings.SocketBuffer,
                WindowAcknowledgementSize = _settings.AckWindow > 0 ? (uint)_settings.AckWindow : null,
                OutputBufferSize = _settings.BufferSize,
                OutputPacketSize = _settings.PacketSize,
                LiveMode = _settings.Live,
                Timecode = _settings.TimecodeSeconds is double timecodeSeconds
                    ? new RtmpTimecodeOptions { Interval = TimeSpan.FromSeconds(timecodeSeconds), SmpteTimecode = _settings.SmpteTimecode, FrameRate = _settings.FrameRate }
                    : null,
                AllowBFrames = !_settings.NoBFrames,
                EnhancedH264 = _settings.EnhancedH264,
            };
            options = tracks.ApplyTo(options, reader);
            options = _settings.Connection.Apply(options, [url, .. targets.All.Skip(1).Select(d => RtmpUrl.Parse(d.Url))], _output) with
            {
                LoggerFactory = log,
                VideoDataRate = reader.DataRates.Video,
                AudioDataRate = reader.DataRates.Audio,
            };
            if (embedded is null)
            {
                options = targets.ApplyFirst(options, _output) with { Destinations = targets.Others(_settings.Connection) };
            }

            writer = new RtmpWriter(options);
            if (targets.Several)
            {
                writer.DestinationStatusChanged += (_, e) => _destinations.Status(e);
            }

            var wall = Stopwatch.StartNew();
            await writer.ConnectAsync(cancellationToken).ConfigureAwait(false);

            bool cancelled = false;
            using var stopStats = new CancellationTokenSource();
            bool liveLine = _output.Json is null && !_settings.Quiet && !Console.IsErrorRedirected;
            _total = reader.Duration is TimeSpan duration && _settings.Loop > 0 && !_input.IsStdin ? duration * _settings.Loop : null;
            Task statsLoop = _output.Json is not null || liveLine || statsLog is not null ? ReportStatsAsync(writer, liveLine, statsLog, stopStats.Token) : Task.CompletedTask;
            try
            {
                await StreamAsync(reader, writer, tracks, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
            }
            finally
            {
                await stopStats.CancelAsync().ConfigureAwait(false);
                await statsLoop.ConfigureAwait(false);
            }

            await writer.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            RtmpWriterStats stats = writer.GetStats();
            DestinationOutput.Result[] results = [.. writer.Destinations.Select(d => new DestinationOutput.Result(d.Name, d.GetStats(), d.Failure))];

            // Disposing delivers the pending status notifications, so Disconnected is reported before the summary.
            await writer.DisposeAsync().ConfigureAwait(false);
            writer = null;
            // With several destinations the frames are the stream's (each destination's are in its own result), the bytes all of theirs.
            var summary = new PublishSummary(
                targets.Several ? stats.VideoFramesWritten : stats.VideoFramesSent,
                targets.Several ? stats.AudioFramesWritten : stats.AudioFramesSent,
                stats.VideoFramesDropped,
                stats.AudioFramesDropped,
                stats.BytesSent,
                stats.BytesAcknowledged,
                wall.Elapsed,
                _mediaPosition,
                _loopsDone);
            if (targets.Several)
            {
                _destinations.Report(results);
            }

            Report(summary, targets.Several ? $"{results.Length} destinations" : url.ToString(), cancelled);
            if (embedded is not null && !_settings.Quiet)
            {
                await embedded.ReportAsync(summary, _output).ConfigureAwait(false);
            }

            return targets.Several ? DestinationOutput.ExitCode(results) : ExitCodes.Success;
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>With --json: a stats line every second while publishing.</summary>
    private async Task ReportStatsAsync(RtmpWriter writer, bool liveLine, ILogger? statsLog, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        RtmpWriterStats previous = writer.GetStats();
        int ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                RtmpWriterStats stats = writer.GetStats();
                if (statsLog is not null && ++ticks % 10 == 0)
                {
                    CliLog.Stats(statsLog, stats.Status, stats.LastTimestamp, stats.VideoFramesSent, stats.AudioFramesSent, stats.AverageBitrate / 1000,
                        stats.VideoFramesDropped + stats.AudioFramesDropped, stats.QueuedBytes, stats.Reconnects);
                }

                if (liveLine && _onlyDestination is null)
                {
                    await _output.Stderr.WriteAsync(_destinations.LiveLines(LiveLine(stats, previous, _mediaPosition, _total), writer.Destinations)).ConfigureAwait(false);
                }
                else if (liveLine)
                {
                    // One line, rewritten in place, on a terminal only; plain lines everywhere else.
                    await _output.Stderr.WriteAsync("\r" + LiveLine(stats, previous, _mediaPosition, _total)).ConfigureAwait(false);
                }
                else if (_output.Json is not null)
                {
                    _output.Json.Stats(stats);
                    if (_onlyDestination is null)
                    {
                        _destinations.Stats(writer.Destinations);
                    }
                }

                previous = stats;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (liveLine && _onlyDestination is null)
            {
                await _output.Stderr.WriteAsync(_destinations.ClearLiveLines()).ConfigureAwait(false);
            }
            else if (liveLine)
            {
                await _output.Stderr.WriteAsync("\r" + new string(' ', 100) + "\r").ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Status, then a progress bar with position/duration when the input's duration is known (a file whose header
    /// says it) or the position alone, bitrate and frame rate over the last second, drops, queued bytes, reconnects.
    /// </summary>
    internal static string LiveLine(RtmpWriterStats now, RtmpWriterStats before, TimeSpan position, TimeSpan? total)
    {
        double kbps = (now.BytesSent - before.BytesSent) * 8 / 1000d;
        long fps = now.VideoFramesSent - before.VideoFramesSent;
        long drops = now.VideoFramesDropped + now.AudioFramesDropped;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string where = total is TimeSpan t && t > TimeSpan.Zero
            ? string.Create(inv, $"{Bar(position / t, 20)} {Math.Min(100, position / t * 100),3:0}% {position:hh\\:mm\\:ss}/{t:hh\\:mm\\:ss}")
            : string.Create(inv, $"{position:hh\\:mm\\:ss}");
        return string.Create(
            inv,
            $"uplink: {now.Status,-12} {where}  {kbps,6:0} kbit/s  {fps,3} fps  {drops} dropped  {now.QueuedBytes / 1024} KiB queued  {now.Reconnects} reconnects   ");
    }

    private static string Bar(double fraction, int width)
    {
        int filled = (int)Math.Clamp(Math.Round(fraction * width), 0, width);
        return "[" + new string('#', filled) + new string('-', width - filled) + "]";
    }

    /// <summary>Plays the input (N times with --loop), pacing frames at their timestamps unless --no-realtime.
    /// Each loop continues the timestamps where the previous one ended.</summary>
    private Task StreamAsync(IMediaReader first, RtmpWriter writer, MediaTrackMap tracks, CancellationToken cancellationToken) =>
        writer.PublishAsync(
            first,
            new MediaPublishOptions
            {
                Tracks = tracks,
                RealTime = _settings.Realtime,
                Loops = _settings.Loop,
                Reopen = ct => new ValueTask<IMediaReader>(_input.OpenAsync(ct)),
                Progress = p => (_mediaPosition, _loopsDone) = (p.Position, p.Loops),
            },
            cancellationToken);

    /// <summary>The tracks to send: --track's, every one with --all-tracks, else the input's default video and audio.</summary>
    private MediaTrackMap TrackMap(IMediaReader reader)
    {
        if (_settings.Tracks is { } selections)
        {
            try
            {
                return MediaTrackMap.Parse(selections, reader);
            }
            catch (FormatException ex)
            {
                throw new InputException($"--{ex.Message} ({_input.Name})");
            }
        }

        return _settings.AllTracks ? MediaTrackMap.All(reader) : MediaTrackMap.Default(reader);
    }

    private void ReportStatus(RtmpWriterStatusChangedEventArgs e)
    {
        if (_output.Json is not null)
        {
            // With several destinations this is the stream's overall status (each destination's has its name).
            _output.Json.Status(e, _onlyDestination);
        }
        else if (!_settings.Quiet && _onlyDestination is not null)
        {
            _output.Stderr.WriteLine($"uplink: {e.Status} ({(int)e.Status}): {e.Reason}");
        }
    }

    private void Report(PublishSummary s, string where, bool cancelled)
    {
        if (_output.Json is not null)
        {
            _output.Json.Summary(s, _onlyDestination);
            return;
        }

        if (_settings.Quiet)
        {
            return;
        }

        string how = cancelled ? "stopped after" : "published";
        _output.Stderr.WriteLine(
            $"uplink: {how} {s.VideoFrames} video + {s.AudioFrames} audio frames ({s.MediaDuration.TotalSeconds:0.00} s of media{(s.Loops > 1 ? $", {s.Loops} loops" : "")}), " +
            $"{s.BytesSent} bytes in {s.Duration.TotalSeconds:0.00} s to {where}" +
            (s.VideoFramesDropped + s.AudioFramesDropped > 0 ? $"; dropped {s.VideoFramesDropped} video, {s.AudioFramesDropped} audio" : ""));
    }
}
