using System.Globalization;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// FFmpeg 8.1's own RTMP server mode (the rtmp protocol with <c>listen=1</c>, via tests/peers/node-av/rtmp-listen.js)
/// as an independent receiver: one publisher on a free 127.0.0.1 port, every stream remuxed without re-encoding into an
/// FLV that FFmpeg 8.1 writes (Enhanced-FLV FourCC tags for HEVC/AV1/VP9 and Opus/FLAC/AC-3/E-AC-3).
/// One listener records one publish: start one per stream. It accepts any app/stream path.
/// The script prints <c>UPLINK_LISTENING</c> once its socket listens (waited for here, no polling), then
/// <c>UPLINK_RECORD_CLOSED PATH</c> when the publisher has gone and the file is closed, and exits.
/// </summary>
public sealed class FfmpegRtmpListener : IRtmpPeer, IAsyncDisposable
{
    private const string ListeningMarker = "UPLINK_LISTENING";
    private const string RecordClosedMarker = "UPLINK_RECORD_CLOSED ";
    private const int StartAttempts = 3;
    private readonly ExternalProcess _process;
    private readonly string _directory;

    private FfmpegRtmpListener(ExternalProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <inheritdoc/>
    public string Name => "FFmpeg 8.1 RTMP listener";

    /// <summary>The RTMP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Where the recording is written.</summary>
    public string RecordingPath => Path.Combine(_directory, "recording.flv");

    /// <summary>The listener's process, for messages.</summary>
    public ExternalProcess Process => _process;

    /// <summary>
    /// Starts the listener on a free port (retrying if the port got taken) and waits for its <c>UPLINK_LISTENING</c> line.
    /// <paramref name="timeout"/> bounds both the wait for a publisher and any silence of the publisher while it publishes.
    /// </summary>
    public static async Task<FfmpegRtmpListener> StartAsync(TimeSpan? timeout = null)
    {
        var node = FfmpegLibraries.Node;
        var seconds = Math.Max(1, (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds));
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("uplink-ffmpeg8-listener-").FullName;
            var port = FreePort.Next();
            var url = string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{port}/live/stream");
            var process = ExternalProcess.Start(
                node,
                [FfmpegLibraries.Script("rtmp-listen.js"), url, Path.Combine(directory, "recording.flv"), "--timeout-seconds", seconds.ToString(CultureInfo.InvariantCulture)],
                FfmpegLibraries.PeerDirectory);
            var listener = new FfmpegRtmpListener(process, directory, port);
            try
            {
                await process.WaitForLineAsync(l => l.StartsWith(ListeningMarker, StringComparison.Ordinal), "UPLINK_LISTENING", TimeSpan.FromSeconds(20));
                return listener;
            }
            catch (TimeoutException ex)
            {
                var output = process.StandardError;
                await listener.DisposeAsync();
                if (attempt == StartAttempts || !output.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The FFmpeg 8.1 RTMP listener did not start on 127.0.0.1:{port} (attempt {attempt}). {ex.Message}", ex);
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>FFmpeg's server does not check the path: whatever is published on this port is recorded.</remarks>
    public string PublishUrl(string streamName) => $"rtmp://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/live/{streamName}";

    /// <summary>The URL to publish to.</summary>
    public string PublishUrl() => PublishUrl("stream");

    /// <inheritdoc/>
    /// <remarks><paramref name="streamName"/> is not used: a listener records its one publish.</remarks>
    public Task<string> WaitForRecordingAsync(string streamName, TimeSpan timeout) => WaitForRecordingAsync(timeout);

    /// <summary>
    /// Waits for <c>UPLINK_RECORD_CLOSED</c> (the publisher has gone and the FLV is closed) and for the listener to exit
    /// with 0, and returns the recording's path. Fails with the listener's output otherwise.
    /// </summary>
    public async Task<string> WaitForRecordingAsync(TimeSpan timeout)
    {
        var line = await _process.WaitForLineAsync(
            l => l.StartsWith(RecordClosedMarker, StringComparison.Ordinal), "the closed recording (publisher already exited)", timeout);
        var exit = await _process.WaitForExitAsync(timeout);
        if (exit.TimedOut || exit.ExitCode != 0)
        {
            throw new InvalidOperationException($"The FFmpeg 8.1 RTMP listener closed its recording but did not exit cleanly: {exit.Describe()}");
        }

        return line[RecordClosedMarker.Length..].Trim();
    }

    /// <summary>Stops the listener (its own process, by pid) and deletes its directory with the recording.</summary>
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
}
