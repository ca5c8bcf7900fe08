using System.Diagnostics;
using System.Globalization;

namespace Uplink.Bench;

/// <summary>Makes a test clip with ffmpeg (written beside the target and moved into place, so a half-made file is never used).</summary>
internal static class FfmpegClip
{
    /// <summary>Runs <c>ffmpeg -hide_banner -nostdin -v error -y ARGS -f flv PATH</c>.</summary>
    /// <exception cref="InvalidOperationException">ffmpeg is missing or failed (its error output is in the message).</exception>
    public static async Task MakeAsync(string path, IEnumerable<string> arguments, string what)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string partial = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments, "-f", "flv", partial])
        {
            start.ArgumentList.Add(arg);
        }

        using Process ffmpeg = Process.Start(start) ?? throw new InvalidOperationException("could not start ffmpeg");
        string errors = await ffmpeg.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await ffmpeg.WaitForExitAsync().ConfigureAwait(false);
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the {what} (exit {ffmpeg.ExitCode}): {errors.Trim()}");
        }

        File.Move(partial, path, overwrite: true);
    }
}
