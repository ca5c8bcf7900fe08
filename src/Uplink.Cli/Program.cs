using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;

namespace Uplink.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RootCommand root = BuildCommand();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (ParseError error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync("uplink: error: " + error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Try 'uplink --help'.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        // Ctrl-C and SIGTERM end the stream cleanly (unpublish, close, summary, exit 0) instead of
        // System.CommandLine's default of returning 130 at once.
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    internal static RootCommand BuildCommand()
    {
        var input = new Argument<string>("input") { Description = "The FLV file to publish (H.264 video and/or AAC audio)." };
        var url = new Argument<string>("url") { Description = "Where to publish: rtmp://host[:port]/app/stream, or rtmp:host/app+stream." };
        var noRealtime = new Option<bool>("--no-realtime") { Description = "Send as fast as the server takes it instead of at the frames' timestamps." };
        var loop = new Option<int>("--loop") { Description = "Play the input N times, timestamps continuing (0 = forever).", DefaultValueFactory = _ => 1 };
        var chunkSize = new Option<int>("--chunk-size") { Description = "Outgoing RTMP chunk size in bytes (128 to 65536).", DefaultValueFactory = _ => 4096 };
        var connectTimeout = new Option<double>("--connect-timeout") { Description = "Seconds allowed to connect and start publishing.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Write JSON lines to stdout: status changes, a summary, errors." };
        var verbose = new Option<bool>("--verbose") { Description = "Show exception details on failure." };

        loop.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--loop must be 0 (forever) or more.");
            }
        });
        chunkSize.Validators.Add(r =>
        {
            int v = r.GetValueOrDefault<int>();
            if (v is < 128 or > RtmpWriterOptions.MaxChunkSize)
            {
                r.AddError($"--chunk-size must be 128 to {RtmpWriterOptions.MaxChunkSize}, got {v}.");
            }
        });
        connectTimeout.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (v is <= 0 or > 3600 || double.IsNaN(v))
            {
                r.AddError("--connect-timeout must be more than 0 and at most 3600 seconds.");
            }
        });

        var publish = new Command("publish", """
            Publish a file to an RTMP server as a live stream.

            Frames leave at their timestamps (real time) unless --no-realtime is given.
            Exit codes: 0 success (also after Ctrl-C), 1 unexpected failure, 2 bad input or usage,
            3 server unreachable, or connection or publish refused.

            Examples:
              uplink publish clip.flv rtmp://127.0.0.1/live/demo
              uplink publish clip.flv rtmp://127.0.0.1:1935/live/demo --no-realtime --loop 3
              uplink publish clip.flv rtmp:127.0.0.1/live+demo --json
            """);
        publish.Arguments.Add(input);
        publish.Arguments.Add(url);
        publish.Options.Add(noRealtime);
        publish.Options.Add(loop);
        publish.Options.Add(chunkSize);
        publish.Options.Add(connectTimeout);
        publish.Options.Add(json);
        publish.Options.Add(verbose);
        publish.SetAction((result, cancellationToken) =>
        {
            var settings = new PublishSettings(
                result.GetValue(input)!,
                result.GetValue(url)!,
                !result.GetValue(noRealtime),
                result.GetValue(loop),
                result.GetValue(chunkSize),
                result.GetValue(json),
                result.GetValue(verbose),
                TimeSpan.FromSeconds(result.GetValue(connectTimeout)));
            return new PublishRunner(settings, Console.Out, Console.Error).RunAsync(cancellationToken);
        });

        var root = new RootCommand("uplink: publish H.264 and AAC to RTMP servers, and keep the stream on air.");
        root.Subcommands.Add(publish);
        return root;
    }
}
