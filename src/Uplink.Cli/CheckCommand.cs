using System.CommandLine;

namespace Uplink.Cli;

/// <summary>The <c>check</c> command: tests a connection through <see cref="CheckRunner"/>.</summary>
internal static class CheckCommand
{
    /// <summary>Builds the <c>check</c> command.</summary>
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "The server to test: rtmp://host[:port]/app/stream or rtmps://…." };
        var publish = new Option<bool>("--publish") { Description = "Also publish (createStream, publish) and at once unpublish." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object to stdout instead of text." };
        var verbose = new Option<bool>("--verbose") { Description = "Show exception details on failure." };
        var check = new Command("check", """
            Test a connection without sending media: TCP (and TLS), handshake, connect and any
            authentication the server asks for; with --publish, also publish and unpublish. Prints the
            server's version and capabilities, the connect time and the handshake's round-trip time.
            Exit codes: 0 success, 2 bad usage, 3 unreachable, TLS refused, or connection/publish refused.

            Examples:
              uplink check rtmp://127.0.0.1/live/test
              uplink check rtmps://ingest.example.com/live/KEY --publish --json
            """);
        check.Arguments.Add(url);
        check.Options.Add(publish);
        check.Options.Add(json);
        check.Options.Add(verbose);
        var connectionOptions = new ConnectionOptions();
        connectionOptions.AddTo(check);
        check.SetAction((result, cancellationToken) =>
        {
            var output = new CommandOutput(Console.Out, Console.Error, json: false, result.GetValue(verbose));
            string target = result.GetValue(url)!;
            ConnectionArguments connection = connectionOptions.Read(result);
            RtmpWriterOptions options = RtmpUrl.TryParse(target, out RtmpUrl? parsed, out _)
                ? connection.Apply(new RtmpWriterOptions { Url = target }, parsed, output)
                : new RtmpWriterOptions { Url = "rtmp://invalid/app/stream" };
            return new CheckRunner(target, result.GetValue(publish), result.GetValue(json), options, output, connection).RunAsync(cancellationToken);
        });
        return check;
    }
}
