using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Uplink.Server;

namespace Uplink.Cli;

/// <summary>The <c>serve</c> command: runs the embedded RTMP ingest server until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    /// <summary>Builds the <c>serve</c> command.</summary>
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Address and port to listen on: HOST:PORT, or PORT for 127.0.0.1.", DefaultValueFactory = _ => "127.0.0.1:1935" };
        var record = new Option<string?>("--record") { Description = "Record each publish to DIR/APP/STREAM-yyyyMMdd-HHmmss.flv." };
        var user = new Option<string?>("--user") { Description = "The user allowed to publish (requires --password)." };
        var password = new Option<string?>("--password") { Description = "That user's password." };
        var trace = new Option<int?>("--trace") { Description = "Log detail 0–9 as for publish (0 errors … 2 sessions … 9 every message); default: warnings and errors on stderr. Also UPLINK_TRACE." };
        var logFile = new Option<string?>("--log-file") { Description = "Append the log to this file instead of stderr. Also UPLINK_LOG_FILE." };
        OptionChecks.Add(trace, (r, value) =>
        {
            if (value is int v && v is < 0 or > 9)
            {
                r.AddError($"--trace must be 0 to 9, got {v}.");
            }
        });
        var push = new Option<string[]>("--push")
        {
            Description = "Forward every publish to this RTMP URL as it arrives (repeat for several): live mode, reconnection as publish's defaults. One publish at a time is then taken; another is refused (NetStream.Publish.Denied).",
            AllowMultipleArgumentsPerToken = false,
        };
        OptionChecks.Add(push, (r, urls) =>
        {
            foreach (string url in urls ?? [])
            {
                if (!RtmpUrl.TryParse(url, out _, out string? error))
                {
                    r.AddError($"--push: {error}");
                    return;
                }
            }
        });
        var json = new Option<bool>("--json") { Description = "One JSON object per line on stdout (listening, start, end, refused; with --push status, destination and latency lines with a destination field)." };
        var authmod = new Option<string>("--authmod") { Description = "Authentication scheme with --user: adobe or llnw.", DefaultValueFactory = _ => "adobe" };
        authmod.AcceptOnlyFromAmong("adobe", "llnw");
        OptionChecks.Add(listen, (r, value) =>
        {
            if (!TryParseListen(value, out _))
            {
                r.AddError($"--listen must be HOST:PORT or PORT, got '{value}'.");
            }
        });

        var serve = new Command("serve", """
            Run an RTMP ingest server that accepts publishers, prints one line per session start and end
            (app, stream, frames, bytes, codecs), and with --record writes each publish to its own FLV file.
            With --push, every publish is relayed to those RTMP servers as it arrives (a restream), one publish at a
            time, with a status line per destination and, at the end of each publish, what each one was sent.
            Runs until Ctrl-C or SIGTERM. Exit codes: 0 success, 2 bad usage, 3 cannot listen.

            Examples:
              uplink serve
              uplink serve --listen 0.0.0.0:1935 --record recordings
              uplink serve --user alice --password secret --authmod llnw
              uplink serve --push rtmp://a.example/live/KEY-A --push rtmps://b.example/app/KEY-B --record recordings
            """);
        serve.Options.Add(listen);
        serve.Options.Add(record);
        serve.Options.Add(user);
        serve.Options.Add(password);
        serve.Options.Add(authmod);
        serve.Options.Add(push);
        serve.Options.Add(json);
        serve.Options.Add(trace);
        serve.Options.Add(logFile);
        serve.Validators.Add(r =>
        {
            if ((r.GetValue(user) is null) != (r.GetValue(password) is null))
            {
                r.AddError("--user and --password go together.");
            }
        });
        serve.SetAction((result, cancellationToken) =>
        {
            TryParseListen(result.GetValue(listen), out IPEndPoint? endPoint);
            string? userName = result.GetValue(user);
            var options = new RtmpServerOptions
            {
                Listen = endPoint!,
                RecordDirectory = result.GetValue(record),
                UserName = userName,
                Password = result.GetValue(password),
                AuthMode = userName is null ? RtmpAuthMode.None : result.GetValue(authmod) == "llnw" ? RtmpAuthMode.Llnw : RtmpAuthMode.Adobe,
            };
            ConnectionArguments logging = ConnectionArguments.Logging(result.GetValue(trace), result.GetValue(logFile));
            bool jsonLines = result.GetValue(json);
            string[] pushUrls = result.GetValue(push) ?? [];
            var output = new CommandOutput(Console.Out, Console.Error, jsonLines, verbose: false);
            return output.RunAsync(async token =>
            {
                using ILoggerFactory? log = logging.OpenLog(Console.Error);
                return await RunAsync(options with { LoggerFactory = log }, pushUrls, new ServeOutput(Console.Out, jsonLines), Console.Error, token).ConfigureAwait(false);
            }, () => "serve", cancellationToken);
        });
        return serve;
    }

    /// <summary>
    /// Runs the server until <paramref name="cancellationToken"/> fires, reporting sessions on <paramref name="output"/>;
    /// with push URLs, one publish at a time, relayed to all of them.
    /// </summary>
    internal static async Task<int> RunAsync(RtmpServerOptions options, IReadOnlyList<string> pushUrls, ServeOutput output, TextWriter stderr, CancellationToken cancellationToken)
    {
        ILoggerFactory log = options.LoggerFactory ?? new WarningsToStderr(stderr);
        options = options with { LoggerFactory = log };
        using SendLatency? latency = pushUrls.Count > 0 ? new SendLatency() : null;
        if (pushUrls.Count > 0)
        {
            // The push URLs take one stream: a second publish at once would fight the first for them.
            RtmpWriterOptions relayOptions = PushRelay.Options(pushUrls, options.LoggerFactory);
            relayOptions.Validate(); // before listening: a bad setting is bad input, not a refused publish later
            options = options with
            {
                MaxPublishes = 1,
                PublishHandlerFactory = session => new PushRelay(session, relayOptions, output, latency),
            };
        }

        await using var server = new RtmpServer(options);
        server.SessionStarted += (_, s) => output.Start(s);
        server.SessionEnded += (_, s) => output.End(s);
        server.PublishRefused += (_, r) => output.Refused(r);
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await stderr.WriteLineAsync($"uplink: error: cannot listen on {options.Listen}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Connection;
        }

        string auth = options.AuthMode == RtmpAuthMode.None ? "" : $", {options.AuthMode.ToString().ToLowerInvariant()} authentication for user {options.UserName}";
        string recording = options.RecordDirectory is null ? "not recording" : "recording to " + Path.GetFullPath(options.RecordDirectory);
        string pushing = pushUrls.Count == 0 ? "" : "; relaying to " + string.Join(", ", pushUrls.Select(u => RtmpUrl.Parse(u).ToString()));
        output.Listening(
            $"rtmp://{server.LocalEndPoint}/",
            options.RecordDirectory is null ? null : Path.GetFullPath(options.RecordDirectory),
            $"listening on rtmp://{server.LocalEndPoint}/ ({recording}{auth}){pushing}; publish to rtmp://{server.LocalEndPoint}/live/STREAM; Ctrl-C stops");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        output.Stopped();
        return ExitCodes.Success;
    }

    internal static bool TryParseListen(string? text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            if (port > IPEndPoint.MaxPort)
            {
                return false;
            }

            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        return IPEndPoint.TryParse(text, out endPoint) && text.Contains(':', StringComparison.Ordinal);
    }

    internal static string FormatStart(PublishSessionInfo s) =>
        $"start #{s.Id} {s.App}/{s.StreamName} from {s.RemoteEndPoint}{(s.RecordingPath is null ? "" : " -> " + s.RecordingPath)}";

    internal static string FormatEnd(PublishSessionSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        string codecs = FormatCodecs(s);
        return string.Create(inv, $"end #{s.Id} {s.App}/{s.StreamName}: {s.EndReason}; {s.VideoFrames} video, {s.AudioFrames} audio frames, {s.Bytes} bytes in {(s.Ended - s.Started).TotalSeconds:0.0} s") +
            (codecs.Length > 0 ? "; " + codecs : "") +
            string.Create(inv, $"; largest gap video {s.LargestVideoGap.TotalMilliseconds:0} ms, audio {s.LargestAudioGap.TotalMilliseconds:0} ms") +
            (s.RecordingPath is null ? "" : "; " + s.RecordingPath);
    }

    /// <summary>
    /// The codecs received: the video and audio configuration, or with several tracks of a kind (Enhanced RTMP
    /// multitrack) each of them: <c>video track 0 HEVC Main 640x360, 50 frames; video track 1 …</c>.
    /// </summary>
    internal static string FormatCodecs(PublishSessionSummary s)
    {
        string video = s.VideoTracks.Count > 1 ? string.Join(", ", s.VideoTracks.Select(t => "video " + t)) : s.Video?.ToString() ?? "";
        string audio = s.AudioTracks.Count > 1 ? string.Join(", ", s.AudioTracks.Select(t => "audio " + t)) : s.Audio?.ToString() ?? "";
        return string.Join(", ", new[] { video, audio }.Where(c => c.Length > 0));
    }

    /// <summary>Shows the server's warnings and errors (recording failures, refused credentials, unexpected failures) on stderr, one line each.</summary>
    private sealed class WarningsToStderr(TextWriter stderr) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                stderr.WriteLine($"uplink: {(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
            }
        }
    }
}
