using System.CommandLine;

namespace Uplink.Cli;

/// <summary>The <c>publish</c> command: its arguments and options, their checks, and the settings it hands <see cref="PublishRunner"/>.</summary>
internal static class PublishCommand
{
    /// <summary>The most reconnection attempts the command takes: beyond it a typo is likelier than a wish.</summary>
    private const int MaxReconnectAttempts = 1000;

    /// <summary>The largest socket send buffer the command takes (64 MiB); the library leaves it to the system.</summary>
    private const int MaxSocketBuffer = 64 * 1024 * 1024;

    /// <summary>Builds the <c>publish</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "What to publish: an FLV (Enhanced FLV included), MP4/MOV, MPEG-TS, MKV/WebM, IVF, raw H.264 or HEVC (Annex-B) or ADTS AAC file, told apart by content; - reads stdin." };
        var urls = new Argument<string[]>("urls") { Description = "Where to publish: rtmp://host[:port]/app/stream, rtmps://…, or rtmp:host/app+stream; several URLs publish the one stream to each (with the config file's \"Destinations\" after them). Left out: the embedded server, in this process.", Arity = ArgumentArity.ZeroOrMore, HelpName = "URL" };
        var reconnectAttempts = new Option<int>("--reconnect-attempts") { Description = "Reconnect this many times after the connection is lost, while reading goes on (0 = never).", DefaultValueFactory = _ => PublishDefaults.ReconnectAttempts };
        var reconnectDelay = new Option<double>("--reconnect-delay") { Description = "Seconds before the first reconnection attempt; later ones back off (doubling, with jitter, up to 30 s).", DefaultValueFactory = _ => PublishDefaults.ReconnectDelaySeconds };
        OptionChecks.Add(reconnectAttempts, (r, value) =>
        {
            if (value is < 0 or > MaxReconnectAttempts)
            {
                r.AddError($"--reconnect-attempts must be 0 to {MaxReconnectAttempts}.");
            }
        });
        OptionChecks.Add(reconnectDelay, (r, value) =>
        {
            double v = value;
            if (v is < 0 or > OptionChecks.MaxSeconds || double.IsNaN(v))
            {
                r.AddError($"--reconnect-delay must be 0 to {OptionChecks.MaxSeconds} seconds.");
            }
        });
        var waitForServer = new Option<bool>("--wait-for-server") { Description = "Try the first connection again (as --reconnect-attempts and --reconnect-delay say) while the server is unreachable, instead of failing at once." };
        var sendTimeout = new Option<double>("--send-timeout") { Description = "Seconds one socket write may take before the connection counts as lost (then reconnection starts).", DefaultValueFactory = _ => 15 };
        var noTcpNoDelay = new Option<bool>("--no-tcp-nodelay") { Description = "Leave Nagle's algorithm on (TCP_NODELAY is set by default)." };
        var socketBuffer = new Option<int>("--socket-buffer") { Description = "Socket send buffer size in bytes (0 = the system's)." };
        var ackWindow = new Option<int>("--ack-window") { Description = "The acknowledgement window announced to the server, in bytes (4096 or more): after a reconnect the replay starts at the GOP holding the first frame it had not acknowledged. 0 (default) = about 10 ms of the stream, following its rate." };
        OptionChecks.Add(sendTimeout, (r, value) =>
        {
            double v = value;
            if (v is <= 0 or > RtmpWriterOptions.MaxSendTimeoutSeconds || double.IsNaN(v))
            {
                r.AddError($"--send-timeout must be more than 0 and at most {RtmpWriterOptions.MaxSendTimeoutSeconds} seconds.");
            }
        });
        OptionChecks.Add(ackWindow, (r, value) =>
        {
            if (value is < 0 or (> 0 and < 4096))
            {
                r.AddError("--ack-window must be 0 (automatic) or 4096 bytes and more.");
            }
        });
        OptionChecks.Add(socketBuffer, (r, value) =>
        {
            if (value is < 0 or > MaxSocketBuffer)
            {
                r.AddError($"--socket-buffer must be 0 to {MaxSocketBuffer} bytes.");
            }
        });
        var bufferSize = new Option<int>("--buffer-size") { Description = "Application send buffer in bytes: a send loop owns the socket, so reading and sending overlap; when it is full, reading waits (or, with --live, frames are dropped). 0 = send on the reading thread.", DefaultValueFactory = _ => PublishDefaults.BufferSize };
        var packetSize = new Option<int>("--packet-size") { Description = $"Bytes per socket write (chunks are coalesced up to this), {RtmpWriterOptions.MinOutputPacketSize} to {RtmpWriterOptions.MaxOutputPacketSize}.", DefaultValueFactory = _ => 64 * 1024 };
        var live = new Option<bool>("--live") { Description = "Live mode: reading never waits for the network; under congestion frames are dropped (non-reference frames past 0.7 s buffered, then inter frames until the next keyframe past 0.9 s, audio last) and counted. The buffer is --buffer-size (8 MiB when that is 0)." };
        OptionChecks.Add(bufferSize, (r, value) =>
        {
            if (value is < 0 or > RtmpWriterOptions.MaxOutputBufferSize)
            {
                r.AddError($"--buffer-size must be 0 to {RtmpWriterOptions.MaxOutputBufferSize} bytes.");
            }
        });
        OptionChecks.Add(packetSize, (r, value) =>
        {
            if (value is < RtmpWriterOptions.MinOutputPacketSize or > RtmpWriterOptions.MaxOutputPacketSize)
            {
                r.AddError($"--packet-size must be {RtmpWriterOptions.MinOutputPacketSize} to {RtmpWriterOptions.MaxOutputPacketSize} bytes.");
            }
        });
        var record = new Option<string?>("--record") { Description = "Without a URL: have the embedded server record what it received to FLV files in this folder." };
        var noRealtime = new Option<bool>("--no-realtime") { Description = "Send as fast as the server takes it instead of at the frames' timestamps." };
        var loop = new Option<int>("--loop") { Description = "Play the input N times, timestamps continuing (0 = forever).", DefaultValueFactory = _ => 1 };
        var chunkSize = new Option<int>("--chunk-size") { Description = $"Outgoing RTMP chunk size in bytes ({RtmpWriterOptions.MinChunkSize} to {RtmpWriterOptions.MaxChunkSize}).", DefaultValueFactory = _ => 4096 };
        var json = new Option<bool>("--json") { Description = "Write JSON lines to stdout: status changes, a summary, errors." };
        var audio = new Option<string?>("--audio") { Description = "An ADTS AAC file to publish beside a raw H.264 INPUT (the two inputs fed from two files)." };
        var fps = new Option<double?>("--fps") { Description = "Frame rate of a raw H.264 INPUT whose SPS has none (or to override it)." };
        OptionChecks.Add(fps, (r, value) =>
        {
            if (value is double v && (v is <= 0 or > RtmpTimecodeOptions.MaxFrameRate || double.IsNaN(v)))
            {
                r.AddError($"--fps must be more than 0 and at most {RtmpTimecodeOptions.MaxFrameRate}.");
            }
        });
        var verbose = new Option<bool>("--verbose") { Description = "Show exception details on failure." };
        var config = new Option<string?>("--config") { Description = "A JSON file of settings: the flags without dashes as names (\"ReconnectAttempts\": 10, \"Live\": true, \"Url\": \"rtmp://…\"), and \"Destinations\": [{\"Url\": \"rtmp://…\", \"Name\": \"backup\", \"Live\": true}], more servers with their own Live, ReconnectAttempts, ReconnectDelay, BufferSize, ChunkSize, SendTimeout, ConnectTimeout. UPLINK_… environment variables (UPLINK_RECONNECT_ATTEMPTS=10) override it; flags override both. See 'uplink config --print'." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only warnings and errors on stderr: no status lines, progress or summary (--json output is unchanged)." };
        var timecode = new Option<double?>("--timecode") { Description = "Embed timecode: an onFI data message (date sd, time st of the wall clock at the stream's start, advanced by media time) every SECONDS of media (default 1), as Flash Media Live Encoder does.", Arity = ArgumentArity.ZeroOrOne, HelpName = "SECONDS" };
        var smpteTimecode = new Option<bool>("--smpte-timecode") { Description = "Also send tc (implies --timecode 1 when that is not given), the SMPTE timecode HH:MM:SS:FF (non-drop-frame) of the stream time at the video's frame rate (or --fps)." };
        var enhancedH264 = new Option<bool>("--enhanced-h264") { Description = "Send H.264 in the Enhanced RTMP form (FourCC avc1) instead of the legacy tag every server reads; for servers that want it (FFmpeg 8, YouTube)." };
        var allTracks = new Option<bool>("--all-tracks") { Description = "Send every video and audio track of the input as one Enhanced RTMP multitrack stream (the input's first video and audio are the default tracks). A server that cannot take multitrack (nginx-rtmp) gets the default tracks only, with a warning." };
        var track = new Option<string[]>("--track") { Description = "Send this track of the input, v:N or a:N as 'uplink probe' lists them; repeat it to send several (a multitrack stream). The first of each kind is the default track. Without --track or --all-tracks: v:0 and a:0.", HelpName = "v:N|a:N", Arity = ArgumentArity.OneOrMore };
        var noBFrames = new Option<bool>("--no-b-frames") { Description = "Refuse B-frames: a video frame whose PTS differs from its DTS fails the publish (exit 2) naming the frame." };
        OptionChecks.Add(timecode, (r, value) =>
        {
            if (value is double v && (v is <= 0 or > RtmpTimecodeOptions.MaxIntervalSeconds || double.IsNaN(v)))
            {
                r.AddError($"--timecode must be more than 0 and at most {RtmpTimecodeOptions.MaxIntervalSeconds} seconds.");
            }
        });
        OptionChecks.Add(loop, (r, value) =>
        {
            if (value < 0)
            {
                r.AddError("--loop must be 0 (forever) or more.");
            }
        });
        OptionChecks.Add(chunkSize, (r, value) =>
        {
            int v = value;
            if (v is < RtmpWriterOptions.MinChunkSize or > RtmpWriterOptions.MaxChunkSize)
            {
                r.AddError($"--chunk-size must be {RtmpWriterOptions.MinChunkSize} to {RtmpWriterOptions.MaxChunkSize}, got {v}.");
            }
        });
        var publish = new Command("publish", """
            Publish a file to an RTMP server as a live stream.

            Frames leave at their timestamps (real time) unless --no-realtime is given.
            Exit codes: 0 success (also after Ctrl-C), 1 unexpected failure, 2 bad input or usage,
            3 server unreachable, or connection or publish refused (with several URLs: every one failed),
            4 some destinations failed while at least one received the whole stream.

            With several URLs the stream is read once and sent to each server; a server that fails
            leaves the stream and the others go on. Status and the summary name each destination
            (its URL with the stream key masked, or the config file's "Name").

            Without a URL, the stream goes to the embedded server in this process (on a free loopback
            port), which then reports what it received next to what was sent.

            Examples:
              uplink publish samples/sample.flv
              uplink publish clip.mp4 rtmp://127.0.0.1/live/demo
              uplink publish camera.h264 rtmp://127.0.0.1/live/demo --audio camera.aac --fps 30
              ffmpeg -i in.mkv -c copy -f mpegts - | uplink publish - rtmp://127.0.0.1/live/demo
              uplink publish clip.flv rtmp://127.0.0.1:1935/live/demo --no-realtime --loop 3
              uplink publish clip.flv rtmp:127.0.0.1/live+demo --json
              uplink publish clip.mp4 rtmp://127.0.0.1/live/demo --live --reconnect-attempts 10
              uplink publish clip.mp4 rtmp://a.example/live/KEY1 rtmps://b.example/app/KEY2   (two servers)
              uplink publish clip.mp4 rtmp://127.0.0.1/live/demo --buffer-size 4000000 --packet-size 131072
              uplink publish clip.mp4 --config uplink.json          (settings from a file; flags still win)
              UPLINK_URL=rtmp://127.0.0.1/live/demo UPLINK_LIVE=true uplink publish clip.mp4
              uplink publish clip.mp4 rtmp://127.0.0.1/live/demo --trace 9 --log-file uplink.log
              uplink publish clip.mp4 rtmps://ingest.example.com/live/KEY --tls-ca private-ca.pem
              UPLINK_PASSWORD=… uplink publish clip.mp4 rtmp://wowza.example.com/live/cam --user alice
            """);
        publish.Arguments.Add(input);
        publish.Arguments.Add(urls);
        publish.Options.Add(noRealtime);
        publish.Options.Add(loop);
        publish.Options.Add(chunkSize);
        publish.Options.Add(audio);
        publish.Options.Add(fps);
        publish.Options.Add(json);
        publish.Options.Add(record);
        publish.Options.Add(reconnectAttempts);
        publish.Options.Add(reconnectDelay);
        publish.Options.Add(waitForServer);
        publish.Options.Add(sendTimeout);
        publish.Options.Add(noTcpNoDelay);
        publish.Options.Add(socketBuffer);
        publish.Options.Add(ackWindow);
        publish.Options.Add(bufferSize);
        publish.Options.Add(packetSize);
        publish.Options.Add(live);
        publish.Options.Add(verbose);
        publish.Options.Add(quiet);
        publish.Options.Add(config);
        publish.Options.Add(timecode);
        publish.Options.Add(smpteTimecode);
        publish.Options.Add(noBFrames);
        publish.Options.Add(enhancedH264);
        publish.Options.Add(allTracks);
        publish.Options.Add(track);
        var publishConnection = new ConnectionOptions();
        publishConnection.AddTo(publish);
        publish.SetAction(async (result, cancellationToken) =>
        {
            IReadOnlyList<DestinationSetting> fileDestinations;
            try
            {
                fileDestinations = new SettingsLayers(publish).ReadDestinations(result.GetValue(config));
            }
            catch (InputException ex)
            {
                await Console.Error.WriteLineAsync("uplink: error: " + ex.Message).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            var settings = new PublishSettings(
                result.GetValue(input)!,
                result.GetValue(urls) ?? [],
                result.GetValue(audio),
                result.GetValue(fps),
                !result.GetValue(noRealtime),
                result.GetValue(loop),
                result.GetValue(chunkSize),
                result.GetValue(json),
                result.GetValue(verbose),
                publishConnection.Read(result),
                result.GetValue(record),
                result.GetValue(reconnectAttempts),
                result.GetValue(reconnectDelay),
                result.GetValue(sendTimeout),
                result.GetValue(noTcpNoDelay),
                result.GetValue(socketBuffer),
                result.GetValue(bufferSize),
                result.GetValue(packetSize),
                result.GetValue(live),
                result.GetResult(timecode) is null ? (result.GetValue(smpteTimecode) ? 1 : null) : result.GetValue(timecode) ?? 1,
                result.GetValue(smpteTimecode),
                result.GetValue(noBFrames),
                result.GetValue(quiet),
                result.GetValue(waitForServer),
                result.GetValue(enhancedH264),
                result.GetValue(allTracks),
                result.GetValue(track) is { Length: > 0 } tracks ? tracks : null,
                fileDestinations,
                result.GetValue(ackWindow));
            return await new PublishRunner(settings, Console.Out, Console.Error).RunAsync(cancellationToken).ConfigureAwait(false);
        });

        return publish;
    }
}
