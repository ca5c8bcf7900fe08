using System.Globalization;
using System.Text.Json;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// Node-Media-Server 4.4.3 (npm, installed by <c>npm ci</c> in tests/peers/node-media-server) started
/// through tests/peers/node-media-server/run-peer.js, which runs NMS's own bin/app.js with two test
/// hooks: a publish ends when the publisher disconnects (instead of a 30 s resume window), and a line
/// <c>UPLINK_RECORD_CLOSED PATH</c> is printed when a recording's file is flushed and closed.
/// RTMP only (no HTTP/RTMPS listeners), on a free 127.0.0.1 port, auto-recording to a temp directory
/// as records/live/STREAM/TIMESTAMP.flv.
/// </summary>
public sealed class NodeMediaServer : IRtmpPeer, IAsyncDisposable
{
    private const string RecordClosedMarker = "UPLINK_RECORD_CLOSED ";
    private const int StartAttempts = 3;
    private readonly ExternalProcess _process;
    private readonly string _directory;

    private NodeMediaServer(ExternalProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <inheritdoc/>
    public string Name => "Node-Media-Server";

    /// <summary>The RTMP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The directory holding package.json, package-lock.json and run-peer.js.</summary>
    public static string PeerDirectory => Path.Combine(RequiredTools.RepositoryRoot, "tests", "peers", "node-media-server");

    /// <summary>Starts NMS on a free port (retrying if the port got taken) and waits until it accepts TCP.</summary>
    public static async Task<NodeMediaServer> StartAsync()
    {
        var node = RequiredTools.Node;
        var peerDirectory = PeerDirectory;
        if (!File.Exists(Path.Combine(peerDirectory, "node_modules", "node-media-server", "package.json")))
        {
            throw new InvalidOperationException(
                $"Integration peer missing: Node-Media-Server is not installed in {peerDirectory}/node_modules; run `npm ci --prefix {peerDirectory}` (.ci/run does).");
        }

        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("uplink-nms-").FullName;
            var port = FreePort.Next();
            var config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, BuildConfig(directory, port));
            var process = ExternalProcess.Start(node, [Path.Combine(peerDirectory, "run-peer.js"), "-c", config], directory);
            var peer = new NodeMediaServer(process, directory, port);
            if (await FreePort.WaitUntilListeningAsync(port, process, TimeSpan.FromSeconds(15)))
            {
                return peer;
            }

            var output = process.StandardOutput + process.StandardError;
            await peer.DisposeAsync();
            if (attempt == StartAttempts || !output.Contains("already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Node-Media-Server did not start on 127.0.0.1:{port} (attempt {attempt}).\n{ProcessResult.Tail(output)}");
            }
        }
    }

    /// <inheritdoc/>
    public string PublishUrl(string streamName) => $"rtmp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/live/{streamName}";

    /// <inheritdoc/>
    public async Task<string> WaitForRecordingAsync(string streamName, TimeSpan timeout)
    {
        var suffix = $"{Path.DirectorySeparatorChar}live{Path.DirectorySeparatorChar}{streamName}{Path.DirectorySeparatorChar}";
        var line = await _process.WaitForLineAsync(
            l => l.StartsWith(RecordClosedMarker, StringComparison.Ordinal) && l.Contains(suffix, StringComparison.Ordinal),
            $"the closed recording of live/{streamName} (publisher already exited)",
            timeout);
        return line[RecordClosedMarker.Length..].Trim();
    }

    /// <summary>Stops NMS and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private static string BuildConfig(string directory, int port) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bind"] = "127.0.0.1",
            ["rtmp"] = new Dictionary<string, object> { ["port"] = port },
            ["store"] = new Dictionary<string, object> { ["path"] = Path.Combine(directory, "data") },
            ["record"] = new Dictionary<string, object> { ["auto"] = true, ["path"] = Path.Combine(directory, "records") },
            ["webadmin"] = new Dictionary<string, object> { ["enable"] = false },
        });
}
