using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Media;

/// <summary>The FFmpeg oracle: per-frame MD5s of a file's first video or audio stream (<c>-f framemd5</c>).</summary>
public static class FrameHashes
{
    /// <summary>
    /// Runs <c>ffmpeg -v error -i FILE -map 0:v:0 -fps_mode passthrough -f framemd5 -</c> (or 0:a:0; with <c>-c copy</c> for
    /// <see cref="HashMode.Packets"/>) and parses one <see cref="FrameHash"/> per frame. A file without such
    /// a stream gives an empty list.
    /// </summary>
    public static async Task<IReadOnlyList<FrameHash>> ComputeAsync(string file, MediaKind kind, HashMode mode = HashMode.Decoded)
    {
        var map = kind == MediaKind.Video ? "0:v:0" : "0:a:0";
        List<string> arguments = ["-hide_banner", "-nostdin", "-v", "error", "-i", file, "-map", map];
        if (mode == HashMode.Packets)
        {
            arguments.AddRange(["-c", "copy"]);
        }
        else
        {
            // Every decoded frame, as decoded: framemd5's default variable-frame-rate mode would silently
            // drop a frame whose timestamp repeats, hiding a lost or duplicated frame from the comparison.
            arguments.AddRange(["-fps_mode", "passthrough"]);
        }

        arguments.AddRange(["-f", "framemd5", "-"]);
        var result = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, arguments, TimeSpan.FromSeconds(60));
        if (!result.TimedOut && result.ExitCode != 0 && result.StandardError.Contains("matches no streams", StringComparison.Ordinal))
        {
            return [];
        }

        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Hashing {kind} of {file} failed: {result.Describe()}");
        }

        return Parse(result.StandardOutput);
    }

    /// <summary>
    /// Parses framemd5 text: <c>stream, dts, pts, duration, size, md5</c> per line, <c>#</c> comments. Packet
    /// side data that may follow (<c>, S=1, size, md5</c>, e.g. new extradata when a server sees a repeated
    /// sequence header) is ignored: only the frame data is compared.
    /// </summary>
    public static IReadOnlyList<FrameHash> Parse(string framemd5)
    {
        var hashes = new List<FrameHash>();
        foreach (var rawLine in framemd5.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 6)
            {
                throw new FormatException($"Unexpected framemd5 line: {line}");
            }

            hashes.Add(new FrameHash(
                hashes.Count,
                long.Parse(fields[2], CultureInfo.InvariantCulture),
                int.Parse(fields[4], CultureInfo.InvariantCulture),
                fields[5])
            {
                Dts = long.Parse(fields[1], CultureInfo.InvariantCulture),
            });
        }

        return hashes;
    }
}
