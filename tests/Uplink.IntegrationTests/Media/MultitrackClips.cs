using System.Globalization;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Media;

/// <summary>
/// Clips with several video and audio tracks, built with FFmpeg 8.1 (make-clip.js, then mux.js), and FFmpeg's view of
/// each stream's packets; an FLV of them is Enhanced RTMP multitrack (track 0 of each kind plain, the others OneTrack).
/// </summary>
public static class MultitrackClips
{
    private static readonly Lazy<Task<string>> FourTracks = new(() => MuxFourTracksAsync("flv"));

    /// <summary>
    /// Video HEVC 640x360 with B-frames (stream 0) and H.264 320x180 (stream 1), audio AAC (stream 2) and Opus (stream 3),
    /// two seconds each, in one FLV.
    /// </summary>
    public static Task<string> FourTrackFlvAsync() => FourTracks.Value;

    /// <summary>Publishes every video and audio stream of <paramref name="input"/> with FFmpeg 8.1's RTMP client (rtmp-publish.js --all-streams).</summary>
    public static Task<ProcessResult> PublishAllStreamsAsync(string input, string url, TimeSpan timeout) =>
        ExternalProcess.RunAsync(FfmpegLibraries.Node, [FfmpegLibraries.Script("rtmp-publish.js"), input, url, "--all-streams"], timeout, FfmpegLibraries.PeerDirectory);

    /// <summary>
    /// packets.js's lines for <paramref name="file"/>, per FFmpeg stream index: the <c>#stream</c> line's kind and codec,
    /// and each packet as "dts, pts, key, size, md5" (the stream index and kind left out).
    /// </summary>
    public static async Task<IReadOnlyList<(string Kind, string Codec, List<string> Packets)>> PacketsPerStreamAsync(string file)
    {
        var result = await ExternalProcess.RunAsync(FfmpegLibraries.Node, [FfmpegLibraries.Script("packets.js"), file], TimeSpan.FromSeconds(60), FfmpegLibraries.PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not list the packets of {file}: {result.Describe()}");
        }

        var streams = new List<(string Kind, string Codec, List<string> Packets)>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("#stream ", StringComparison.Ordinal))
            {
                string[] f = line.Split(' ');
                streams.Add((f[2], f[3], []));
                continue;
            }

            string[] p = line.Split(", ");
            streams[int.Parse(p[0], CultureInfo.InvariantCulture)].Packets.Add(string.Join(", ", p[2..]));
        }

        return streams;
    }

    private static async Task<string> MuxFourTracksAsync(string extension)
    {
        string v0 = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "hevc", Audio = "none", Width = 640, Height = 360, BFrames = true });
        string v1 = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "h264", Audio = "none" });
        string a0 = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "none", Audio = "aac" });
        string a1 = await FfmpegLibraries.MakeClipAsync(new FfmpegClipOptions { Video = "none", Audio = "opus", Container = "mkv" });
        string output = Path.Combine(Path.GetDirectoryName(v0)!, "four-tracks." + extension);
        var result = await ExternalProcess.RunAsync(FfmpegLibraries.Node, [FfmpegLibraries.Script("mux.js"), v0, v1, a0, a1, output], TimeSpan.FromSeconds(120), FfmpegLibraries.PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not mux {output}: {result.Describe()}");
        }

        return output;
    }
}
