using System.Collections.Concurrent;
using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// Generates test clips with ffmpeg (lavfi testsrc2 + sine; one x264 thread, so the same options give the same
/// bytes) into one temp directory per test run: FLV by default, other containers (<see cref="ClipOptions.Format"/>)
/// as a <c>-c copy</c> remux of the FLV clip, other codecs encoded straight into their container;
/// each clip once per run (cached by its options), deleted when the test process exits.
/// </summary>
public static class ClipGenerator
{
    private static readonly ConcurrentDictionary<ClipOptions, Lazy<Task<string>>> Clips = new();
    private static readonly Lazy<string> RunDirectory = new(CreateRunDirectory);

    /// <summary>Returns the path of the clip for <paramref name="options"/>, generating it on first use.</summary>
    public static Task<string> GetAsync(ClipOptions options) =>
        Clips.GetOrAdd(options, o => new Lazy<Task<string>>(() => GenerateAsync(o))).Value;

    /// <summary>The ffmpeg arguments that encode <paramref name="options"/> into <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> Arguments(ClipOptions options, string output)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Video && !options.Audio)
        {
            throw new ArgumentException("A clip needs video, audio or both.", nameof(options));
        }

        var inv = CultureInfo.InvariantCulture;
        List<string> arguments = ["-hide_banner", "-nostdin", "-v", "error", "-y"];
        if (options.Video)
        {
            arguments.AddRange(["-f", "lavfi", "-i", string.Create(inv, $"testsrc2=size={options.Width}x{options.Height}:rate={options.Fps}")]);
        }

        if (options.Audio)
        {
            arguments.AddRange(["-f", "lavfi", "-i", string.Create(inv, $"sine=frequency=440:beep_factor=4:sample_rate={options.AudioSampleRate}")]);
        }

        arguments.AddRange(["-t", options.DurationSeconds.ToString(inv)]);
        if (options.Video)
        {
            if (options.VideoEncoder == "libx264")
            {
                arguments.AddRange([
                    "-c:v", "libx264", "-threads", "1", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-profile:v", options.Profile,
                    "-g", options.GopFrames.ToString(inv), "-keyint_min", options.GopFrames.ToString(inv), "-sc_threshold", "0",
                    "-bf", options.BFrames ? "2" : "0"]);
                if (options.VideoBitrateKbps is int kbps)
                {
                    string rate = kbps.ToString(inv) + "k";
                    arguments.AddRange(["-b:v", rate, "-minrate", rate, "-maxrate", rate, "-bufsize", rate, "-x264-params", "nal-hrd=cbr:filler=1"]);
                }
            }
            else
            {
                // Codecs RTMP cannot carry, for the "unsupported codec" tests: only their presence matters.
                arguments.AddRange(["-c:v", options.VideoEncoder, "-pix_fmt", "yuv420p", "-g", options.GopFrames.ToString(inv), "-bf", options.BFrames ? "2" : "0"]);
                if (options.VideoEncoder == "libx265")
                {
                    arguments.AddRange(["-preset", "ultrafast", "-x265-params", "log-level=none:pools=1:frame-threads=1"]);
                }
            }
        }

        if (options.Audio)
        {
            arguments.AddRange(["-c:a", options.AudioEncoder, "-b:a", "96k", "-ac", options.AudioChannels.ToString(inv)]);
        }

        arguments.AddRange(FormatArguments(options));
        arguments.Add(output);
        return arguments;
    }

    /// <summary>
    /// The ffmpeg arguments that copy the streams of <paramref name="source"/> (an FLV clip) into the container of
    /// <paramref name="options"/> without re-encoding: raw H.264 gets <c>h264_mp4toannexb</c>, ADTS takes the audio only.
    /// </summary>
    public static IReadOnlyList<string> RemuxArguments(string source, ClipOptions options, string output)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> arguments = ["-hide_banner", "-nostdin", "-v", "error", "-y", "-i", source];
        arguments.AddRange(options.Format switch
        {
            "h264" => ["-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb"],
            "adts" => ["-map", "0:a:0", "-c", "copy"],
            _ => ["-map", "0", "-c", "copy"],
        });
        arguments.AddRange(FormatArguments(options));
        arguments.Add(output);
        return arguments;
    }

    private static List<string> FormatArguments(ClipOptions options)
    {
        List<string> arguments = [];
        if (options.MovFlags is not null)
        {
            arguments.AddRange(["-movflags", options.MovFlags]);
        }

        arguments.AddRange(["-f", options.Format]);
        return arguments;
    }

    private static async Task<string> GenerateAsync(ClipOptions options)
    {
        var path = Path.Combine(RunDirectory.Value, options.FileName);
        var partial = path + ".partial";
        IReadOnlyList<string> arguments;
        if (options.Format == "flv" || !options.HasDefaultCodecs)
        {
            arguments = Arguments(options, partial);
        }
        else
        {
            // The same frames as the FLV clip, in another container: its oracle hashes equal the FLV's.
            var flv = await GetAsync(options with { Format = "flv", MovFlags = null });
            arguments = RemuxArguments(flv, options, partial);
        }

        // Long clips (the reconnect soak's run for minutes) get as long again: one x264 thread on a busy machine.
        var result = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, arguments, TimeSpan.FromSeconds(Math.Max(120, 2 * options.DurationSeconds)));
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Generating clip {options.FileName} failed: {result.Describe()}");
        }

        File.Move(partial, path, overwrite: true);
        return path;
    }

    private static string CreateRunDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("uplink-clips-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        };
        return directory;
    }
}
