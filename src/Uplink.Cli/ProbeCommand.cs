using System.CommandLine;

namespace Uplink.Cli;

/// <summary>The <c>probe</c> command: describes an input through <see cref="ProbeRunner"/>.</summary>
internal static class ProbeCommand
{
    /// <summary>Builds the <c>probe</c> command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The file to describe (any input publish takes; - reads stdin)." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object to stdout instead of text." };
        var verbose = new Option<bool>("--verbose") { Description = "Show exception details on failure." };
        var audio = new Option<string?>("--audio") { Description = "An ADTS AAC file beside a raw H.264 INPUT." };
        var fps = new Option<double?>("--fps") { Description = "Frame rate of a raw H.264 INPUT whose SPS has none." };
        var probe = new Command("probe", """
            Describe an input: container, tracks, codec, profile and level, resolution, frame rate,
            sample rate and channels, duration, frame counts, GOP length, and whether B-frames occur.
            Exit codes: 0 success, 2 bad input or usage.

            Examples:
              uplink probe clip.mp4
              uplink probe capture.ts --json
            """);
        probe.Arguments.Add(input);
        probe.Options.Add(json);
        probe.Options.Add(audio);
        probe.Options.Add(fps);
        probe.Options.Add(verbose);
        probe.SetAction((result, cancellationToken) => new ProbeRunner(
            result.GetValue(input)!,
            result.GetValue(audio),
            result.GetValue(fps),
            result.GetValue(json),
            result.GetValue(verbose),
            Console.Out,
            Console.Error).RunAsync(cancellationToken));
        return probe;
    }
}
