using System.Globalization;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// nginx with nginx-rtmp in the foreground, with its own prefix, config and record directory in a temp
/// directory, listening on a free 127.0.0.1 port. Every publish to application "live" is recorded to
/// RECORDS/STREAM.flv; when the recorder closes the file, nginx-rtmp's <c>exec_record_done</c> writes a
/// marker file, which is the event <see cref="WaitForRecordingAsync"/> waits for.
/// </summary>
public sealed class NginxRtmp : IRtmpPeer, IAsyncDisposable
{
    private const int StartAttempts = 3;
    private readonly string _directory;
    private readonly string? _onPublishUrl;
    private readonly bool _keepEveryRecording;
    private ExternalProcess _process;

    private NginxRtmp(ExternalProcess process, string directory, int port, string? onPublishUrl, bool keepEveryRecording)
    {
        _process = process;
        _directory = directory;
        _onPublishUrl = onPublishUrl;
        _keepEveryRecording = keepEveryRecording;
        Port = port;
    }

    /// <summary>The directory the recordings go to (STREAM.flv each).</summary>
    public string Recordings => RecordDirectory;

    /// <summary>Kills nginx at once (SIGKILL, no goodbye to its clients): a server that dies.</summary>
    public async Task KillAsync()
    {
        await _process.StopAsync(TimeSpan.Zero);
    }

    /// <summary>Starts nginx again on the same port with the same configuration, after <see cref="KillAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        await _process.DisposeAsync();
        _process = Launch(RequiredTools.Nginx, _directory, Port, _onPublishUrl, _keepEveryRecording)._process;
        if (!await FreePort.WaitUntilListeningAsync(Port, _process, TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException($"nginx-rtmp did not start again on 127.0.0.1:{Port}.\n{ReadErrorLog()}");
        }
    }

    /// <inheritdoc/>
    public string Name => "nginx-rtmp";

    /// <summary>The RTMP port on 127.0.0.1.</summary>
    public int Port { get; }

    private string RecordDirectory => RecordDirectoryIn(_directory);

    private string MarkerDirectory => MarkerDirectoryIn(_directory);

    private string ErrorLog => ErrorLogIn(_directory);

    /// <summary>Starts nginx on a free port (retrying with another port if it got taken) and waits until it accepts TCP.
    /// With <paramref name="keepEveryRecording"/>, each publish to "live" records to its own file, STREAM-UNIXSECONDS.flv
    /// (nginx-rtmp's <c>record_unique</c>), so a publisher that reconnects leaves one file per connection.</summary>
    public static async Task<NginxRtmp> StartAsync(string? onPublishUrl = null, bool keepEveryRecording = false)
    {
        var nginx = RequiredTools.Nginx;
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("uplink-nginx-").FullName;
            var port = FreePort.Next();
            var peer = Launch(nginx, directory, port, onPublishUrl, keepEveryRecording);
            if (await FreePort.WaitUntilListeningAsync(port, peer._process, TimeSpan.FromSeconds(10)))
            {
                return peer;
            }

            var log = peer.ReadErrorLog();
            await peer.DisposeAsync();
            if (attempt == StartAttempts || !log.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"nginx-rtmp did not start on 127.0.0.1:{port} (attempt {attempt}).\n{log}");
            }
        }
    }

    /// <inheritdoc/>
    public string PublishUrl(string streamName) => $"rtmp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/live/{streamName}";

    /// <inheritdoc/>
    public async Task<string> WaitForRecordingAsync(string streamName, TimeSpan timeout)
    {
        var marker = Path.Combine(MarkerDirectory, streamName + ".done");
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(marker))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                var recordings = Directory.Exists(RecordDirectory) ? string.Join(", ", Directory.GetFiles(RecordDirectory).Select(Path.GetFileName)) : "";
                throw new TimeoutException(
                    $"nginx-rtmp finished no recording of live/{streamName} within {timeout.TotalSeconds:0.#} s after the publisher exited " +
                    $"(nginx {(_process.HasExited ? "has exited" : "is running")}; record directory holds [{recordings}]).\n--- error.log ---\n{ProcessResult.Tail(ReadErrorLog())}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }

        return (await File.ReadAllTextAsync(marker)).Trim();
    }

    /// <summary>
    /// For a server started with <c>keepEveryRecording</c>: waits until the newest recording of <paramref name="streamName"/>
    /// is finished (the marker names it) and returns every recording of the stream, oldest first. A recording cut short by
    /// <see cref="KillAsync"/> never gets a marker, but is complete up to the kill.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForEveryRecordingAsync(string streamName, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            // The names end in unix seconds, all of one length: name order is time order.
            var recordings = Directory.GetFiles(RecordDirectory, streamName + "-*.flv").Order(StringComparer.Ordinal).ToArray();
            var marker = Path.Combine(MarkerDirectory, streamName + ".done");
            if (recordings.Length > 0 && File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Trim() == recordings[^1])
            {
                return recordings;
            }

            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException(
                    $"nginx-rtmp did not finish the newest recording of live/{streamName} within {timeout.TotalSeconds:0.#} s (record directory holds [{string.Join(", ", recordings.Select(Path.GetFileName))}]).\n--- error.log ---\n{ProcessResult.Tail(ReadErrorLog())}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }

    /// <summary>Stops nginx and deletes its directory.</summary>
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

    private static NginxRtmp Launch(string nginx, string directory, int port, string? onPublishUrl, bool keepEveryRecording)
    {
        Directory.CreateDirectory(RecordDirectoryIn(directory));
        Directory.CreateDirectory(MarkerDirectoryIn(directory));
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, BuildConfig(directory, port, RecordDirectoryIn(directory), MarkerDirectoryIn(directory), onPublishUrl, keepEveryRecording));
        var process = ExternalProcess.Start(nginx, ["-p", directory + "/", "-e", ErrorLogIn(directory), "-c", config], directory);
        return new NginxRtmp(process, directory, port, onPublishUrl, keepEveryRecording);
    }

    private static string RecordDirectoryIn(string directory) => Path.Combine(directory, "records");

    private static string MarkerDirectoryIn(string directory) => Path.Combine(directory, "done");

    private static string ErrorLogIn(string directory) => Path.Combine(directory, "error.log");

    private static string BuildConfig(string directory, int port, string records, string markers, string? onPublishUrl, bool keepEveryRecording)
    {
        var unique = keepEveryRecording ? "on" : "off";
        // With an on_publish URL, application "secure" asks it (GET, the publish URL's query as arguments)
        // whether a publish may start: 2xx allows, anything else refuses.
        var secure = onPublishUrl is null ? "" : $$"""
                    application secure {
                        live on;
                        notify_method get;
                        on_publish {{onPublishUrl}};
                        record all;
                        record_path {{records}};
                        record_unique off;
                        exec_record_done /bin/sh -c "echo $path > {{markers}}/$name.tmp && mv {{markers}}/$name.tmp {{markers}}/$name.done";
                    }
            """;
        // master_process off: one process, so the recorder runs with our uid and stopping it is one pid.
        // `user root;` only matters with a master process, but keeps record dirs writable if that changes.
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        return $$"""
            load_module {{RequiredTools.NginxRtmpModule}};
            {{user}}daemon off;
            master_process off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 256; }
            rtmp {
                server {
                    listen 127.0.0.1:{{port}};
                    application live {
                        live on;
                        record all;
                        record_path {{records}};
                        record_unique {{unique}};
                        exec_record_done /bin/sh -c "echo $path > {{markers}}/$name.tmp && mv {{markers}}/$name.tmp {{markers}}/$name.done";
                    }
            {{secure}}
                }
            }

            """;
    }

    private string ReadErrorLog()
    {
        try
        {
            return File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "(no error.log)";
        }
        catch (IOException ex)
        {
            return $"(error.log unreadable: {ex.Message})";
        }
    }
}
