using System.Collections.Concurrent;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// FFmpeg 8.1's libraries as a test peer, through node-av 6.1.1 (npm, installed by
/// <c>npm ci --ignore-scripts</c> in tests/peers/node-av). Debian's FFmpeg 5.1 cannot demux Enhanced-RTMP FLV
/// (HEVC/AV1/VP9, Opus/FLAC/AC-3/E-AC-3 with FourCC headers); these scripts can: <c>framemd5.js</c> (the
/// oracle), <c>make-clip.js</c> (clips in those codecs), <c>rtmp-publish.js</c> (FFmpeg's RTMP client) and
/// <c>rtmp-listen.js</c> (FFmpeg's RTMP server, see <see cref="FfmpegRtmpListener"/>).
/// Fails loudly (never skips) with what to install when node or the package is missing.
/// </summary>
public static class FfmpegLibraries
{
    /// <summary>The install command, for messages (run from the repository root).</summary>
    public const string InstallCommand = "npm ci --prefix tests/peers/node-av --ignore-scripts --no-audit --no-fund";

    private static readonly ConcurrentDictionary<FfmpegClipOptions, Lazy<Task<string>>> Clips = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> MultiTrackClips = new();
    private static readonly Lazy<string> RunDirectory = new(CreateRunDirectory);

    /// <summary>The directory holding package.json, package-lock.json and the scripts.</summary>
    public static string PeerDirectory => Path.Combine(RequiredTools.RepositoryRoot, "tests", "peers", "node-av");

    /// <summary>node, once the package and its Linux x64 binary (FFmpeg 8.1 inside) are known to be installed.</summary>
    public static string Node
    {
        get
        {
            var node = RequiredTools.Node;
            var modules = Path.Combine(PeerDirectory, "node_modules");
            foreach (var required in new[] { Path.Combine("node-av", "package.json"), Path.Combine("@seydx", "node-av-linux-x64", "node-av.node") })
            {
                if (!File.Exists(Path.Combine(modules, required)))
                {
                    var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true: tests/run-all.sh should have installed it)" : "";
                    throw new InvalidOperationException(
                        $"Integration peer missing: FFmpeg 8.1 (node-av) is not installed, {Path.Combine(modules, required)} does not exist{ci}; " +
                        $"run `{InstallCommand}` from the repository root (--ignore-scripts: its install script would try a download).");
                }
            }

            return node;
        }
    }

    /// <summary>
    /// Decodes every video and audio frame of <paramref name="file"/> (any container FFmpeg 8.1 reads, Enhanced FLV
    /// included) and returns each stream's codec and per-frame MD5s. Video hashes the decoded planes packed without
    /// padding; audio the samples as signed 16-bit interleaved, as <c>ffmpeg -f framemd5</c> does, but keeping what
    /// a container marks for skipping (encoder delay, padding), which FLV cannot express. <paramref name="only"/>
    /// restricts it to one kind.
    /// </summary>
    public static async Task<FfmpegFrameHashes> FrameMd5Async(string file, MediaKind? only = null)
    {
        List<string> arguments = [Script("framemd5.js"), file];
        if (only is MediaKind kind)
        {
            arguments.AddRange(["--stream", kind == MediaKind.Video ? "v" : "a"]);
        }

        var result = await ExternalProcess.RunAsync(Node, arguments, TimeSpan.FromSeconds(60), PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not hash {file}: {result.Describe()}");
        }

        return FfmpegFrameHashes.Parse(result.StandardOutput);
    }

    /// <summary>FFmpeg 8.1's demuxing of <paramref name="file"/>: streams with extradata, packets in file order (packets.js --dump).</summary>
    public static async Task<PacketDump> DumpPacketsAsync(string file)
    {
        var dump = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileName(file) + ".dump");
        var result = await ExternalProcess.RunAsync(Node, [Script("packets.js"), file, "--dump", dump], TimeSpan.FromSeconds(60), PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not demux {file}: {result.Describe()}");
        }

        return PacketDump.Parse(await File.ReadAllBytesAsync(dump));
    }

    /// <summary>
    /// Returns the path of the FFmpeg 8.1 clip for <paramref name="options"/>, encoding it on first use (once per test
    /// run, in a temp directory deleted when the test process exits).
    /// </summary>
    public static Task<string> MakeClipAsync(FfmpegClipOptions options) =>
        Clips.GetOrAdd(options, o => new Lazy<Task<string>>(() => GenerateAsync(o))).Value;

    /// <summary>
    /// Publishes <paramref name="input"/>'s first video and audio stream to <paramref name="url"/> with FFmpeg 8.1's
    /// RTMP client, without re-encoding (Enhanced RTMP for HEVC/AV1/VP9/Opus/FLAC/AC-3/E-AC-3), and waits for it to exit.
    /// </summary>
    public static Task<ProcessResult> PublishAsync(string input, string url, TimeSpan timeout, bool realtime = false)
    {
        List<string> arguments = [Script("rtmp-publish.js"), input, url];
        if (realtime)
        {
            arguments.Add("--realtime");
        }

        return ExternalProcess.RunAsync(Node, arguments, timeout, PeerDirectory);
    }

    /// <summary>
    /// A clip with several tracks: each part made alone by make-clip.js (one video or one audio track each: set the other
    /// kind to "none"), then stream-copied into one <paramref name="container"/> file by mux.js, video tracks first, then
    /// audio, each in the order given (the first of each kind is the file's default track).
    /// </summary>
    public static Task<string> MakeMultiTrackClipAsync(string container, params FfmpegClipOptions[] parts)
    {
        string name = string.Join("+", parts.Select(p => Path.GetFileNameWithoutExtension(p.FileName))) + "." + container;
        return MultiTrackClips.GetOrAdd(name, n => new Lazy<Task<string>>(async () =>
        {
            var inputs = new List<string>();
            foreach (var part in parts)
            {
                inputs.Add(await MakeClipAsync(part));
            }

            var path = Path.Combine(RunDirectory.Value, n);
            var result = await ExternalProcess.RunAsync(Node, [Script("mux.js"), .. inputs, path], TimeSpan.FromSeconds(120), PeerDirectory);
            if (result.TimedOut || result.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"FFmpeg 8.1 could not mux {n}: {result.Describe()}");
            }

            return path;
        })).Value;
    }

    /// <summary>The path of one of the peer's scripts.</summary>
    internal static string Script(string name) => Path.Combine(PeerDirectory, name);

    private static async Task<string> GenerateAsync(FfmpegClipOptions options)
    {
        var path = Path.Combine(RunDirectory.Value, options.FileName);
        // make-clip.js writes OUTPUT.partial and renames it when complete.
        var result = await ExternalProcess.RunAsync(Node, [Script("make-clip.js"), path, .. options.Arguments()], TimeSpan.FromSeconds(120), PeerDirectory);
        if (result.TimedOut || result.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"FFmpeg 8.1 could not make clip {options.FileName}: {result.Describe()}");
        }

        return path;
    }

    private static string CreateRunDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("uplink-ffmpeg8-clips-").FullName;
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
