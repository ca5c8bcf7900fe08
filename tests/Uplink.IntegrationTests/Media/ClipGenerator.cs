using System.Collections.Concurrent;
using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// Generates FLV test clips with ffmpeg (lavfi testsrc2 + sine; one x264 thread, so the same options give the same
/// bytes) into one temp directory per test run,
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
            arguments.AddRange([
                "-c:v", "libx264", "-threads", "1", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-profile:v", options.Profile,
                "-g", options.GopFrames.ToString(inv), "-keyint_min", options.GopFrames.ToString(inv), "-sc_threshold", "0",
                "-bf", options.BFrames ? "2" : "0"]);
        }

        if (options.Audio)
        {
            arguments.AddRange(["-c:a", "aac", "-b:a", "96k", "-ac", options.AudioChannels.ToString(inv)]);
        }

        arguments.AddRange(["-f", "flv", output]);
        return arguments;
    }

    private static async Task<string> GenerateAsync(ClipOptions options)
    {
        var path = Path.Combine(RunDirectory.Value, options.FileName);
        var partial = path + ".partial";
        var result = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, Arguments(options, partial), TimeSpan.FromSeconds(120));
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
