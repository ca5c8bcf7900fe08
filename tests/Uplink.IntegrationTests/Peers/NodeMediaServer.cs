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

    private NodeMediaServer(ExternalProcess process, string directory, int port, int? rtmpsPort)
    {
        _process = process;
        _directory = directory;
        Port = port;
        RtmpsPort = rtmpsPort;
    }

    /// <inheritdoc/>
    public string Name => "Node-Media-Server";

    /// <summary>The RTMP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The RTMPS port on 127.0.0.1, when started with <c>rtmps: true</c>.</summary>
    public int? RtmpsPort { get; }

    /// <summary>The self-signed certificate (PEM) the RTMPS port presents: CN=localhost, SAN localhost and 127.0.0.1.</summary>
    public string CertificatePath => Path.Combine(_directory, "cert.pem");

    /// <summary>The directory holding package.json, package-lock.json and run-peer.js.</summary>
    public static string PeerDirectory => Path.Combine(RequiredTools.RepositoryRoot, "tests", "peers", "node-media-server");

    /// <summary>Starts NMS on a free port (retrying if the port got taken) and waits until it accepts TCP.
    /// With <paramref name="rtmps"/>, also an RTMPS port with a freshly generated self-signed certificate. With
    /// <paramref name="resumeWindow"/>, NMS's resume stays on with that window (its own is 30 s): the same address publishing
    /// again within it continues the publish and its recording, adding the previous connection's last timestamp to the new
    /// one's; the recording closes that long after the publish ends.</summary>
    public static async Task<NodeMediaServer> StartAsync(bool rtmps = false, TimeSpan? resumeWindow = null)
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
            int? rtmpsPort = rtmps ? FreePort.Next() : null;
            if (rtmps)
            {
                await MakeCertificateAsync(directory);
            }

            var config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, BuildConfig(directory, port, rtmpsPort));
            var process = ExternalProcess.Start(node, [Path.Combine(peerDirectory, "run-peer.js"), "-c", config, .. (resumeWindow is { } window ? [string.Create(CultureInfo.InvariantCulture, $"--uplink-resume={(long)window.TotalMilliseconds}")] : Array.Empty<string>())], directory);
            var peer = new NodeMediaServer(process, directory, port, rtmpsPort);
            if (await FreePort.WaitUntilListeningAsync(port, process, TimeSpan.FromSeconds(15))
                && (rtmpsPort is not int tls || await FreePort.WaitUntilListeningAsync(tls, process, TimeSpan.FromSeconds(15))))
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

    /// <summary>The rtmps:// URL for a stream, by IP address (the certificate names 127.0.0.1 too).</summary>
    public string RtmpsPublishUrl(string streamName) =>
        $"rtmps://127.0.0.1:{(RtmpsPort ?? throw new InvalidOperationException("started without RTMPS")).ToString(CultureInfo.InvariantCulture)}/live/{streamName}";

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

    /// <summary>
    /// Waits until every recording of <paramref name="streamName"/> NMS has started is closed and returns them, oldest
    /// first: one when each reconnection resumed the publish, more when one did not. Call it after the publisher exited.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForEveryRecordingAsync(string streamName, TimeSpan timeout)
    {
        var first = await WaitForRecordingAsync(streamName, timeout);
        var directory = Path.GetDirectoryName(first)!;
        var recordings = Directory.GetFiles(directory, "*.flv").Order(StringComparer.Ordinal).ToArray();
        foreach (var recording in recordings)
        {
            await _process.WaitForLineAsync(
                l => l.StartsWith(RecordClosedMarker, StringComparison.Ordinal) && l.EndsWith(recording, StringComparison.Ordinal),
                $"the closed recording {recording}",
                timeout);
        }

        return recordings;
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

    private static string BuildConfig(string directory, int port, int? rtmpsPort)
    {
        var config = new Dictionary<string, object>
        {
            ["bind"] = "127.0.0.1",
            ["rtmp"] = new Dictionary<string, object> { ["port"] = port },
            ["store"] = new Dictionary<string, object> { ["path"] = Path.Combine(directory, "data") },
            ["record"] = new Dictionary<string, object> { ["auto"] = true, ["path"] = Path.Combine(directory, "records") },
            ["webadmin"] = new Dictionary<string, object> { ["enable"] = false },
        };
        if (rtmpsPort is int tls)
        {
            config["rtmps"] = new Dictionary<string, object>
            {
                ["port"] = tls,
                ["key"] = Path.Combine(directory, "key.pem"),
                ["cert"] = Path.Combine(directory, "cert.pem"),
            };
        }

        return JsonSerializer.Serialize(config);
    }

    /// <summary>NMS's bundled certificate has expired: make a fresh self-signed one for localhost and 127.0.0.1.</summary>
    private static async Task MakeCertificateAsync(string directory)
    {
        var result = await ExternalProcess.RunAsync(
            "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", Path.Combine(directory, "key.pem"), "-out", Path.Combine(directory, "cert.pem")],
            TimeSpan.FromSeconds(30));
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl could not make the RTMPS test certificate: {result.Describe()}");
        }
    }
}
