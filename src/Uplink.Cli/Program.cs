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
        if (parsed.Errors.Count == 0)
        {
            // --config FILE and UPLINK_… variables fill in what the command line leaves out (publish only).
            try
            {
                var layers = new SettingsLayers(root.Subcommands.First(c => c.Name == "publish"));
                string[] layered = layers.Apply(parsed, args, Environment.GetEnvironmentVariables());
                if (layered != args)
                {
                    parsed = root.Parse(layered);
                }
            }
            catch (InputException ex)
            {
                await Console.Error.WriteLineAsync("uplink: error: " + ex.Message).ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
        }

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
        Command publish = PublishCommand.Create();
        var root = new RootCommand("uplink: publish H.264, HEVC, AV1 or VP9 with AAC, Opus, FLAC, AC-3, E-AC-3 or MP3 to RTMP servers, and keep the stream on air.");
        root.Subcommands.Add(publish);
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create(publish));
        return root;
    }
}
