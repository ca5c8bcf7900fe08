using System.Globalization;
using System.Net;
using Uplink.Server;

namespace Uplink.Cli;

/// <summary>
/// The default target of <c>uplink publish INPUT</c> without a URL: the embedded server on an ephemeral loopback
/// port, in this process. After publishing it reports what the server received next to what was sent.
/// </summary>
internal sealed class EmbeddedTarget : IAsyncDisposable
{
    private readonly RtmpServer _server;
    private readonly TaskCompletionSource<PublishSessionSummary> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EmbeddedTarget(RtmpServer server)
    {
        _server = server;
        _server.SessionEnded += (_, summary) => _ended.TrySetResult(summary);
    }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{_server.Port}/live/uplink");

    public static async Task<EmbeddedTarget> StartAsync(string? recordDirectory, CancellationToken cancellationToken)
    {
        var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = recordDirectory });
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return new EmbeddedTarget(server);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits (briefly) for the server's end of the session and prints it beside what was sent.</summary>
    public async Task ReportAsync(PublishSummary sent, CommandOutput output)
    {
        PublishSessionSummary received;
        try
        {
            received = await _ended.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            output.Warn("the embedded server did not report the end of the session");
            return;
        }

        bool complete = received.VideoFrames == sent.VideoFrames && received.AudioFrames == sent.AudioFrames;
        if (output.Json is not null)
        {
            output.Json.Received(received, complete);
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            string codecs = ServeCommand.FormatCodecs(received);
            output.Stderr.WriteLine(string.Create(inv, $"uplink: sent     {sent.VideoFrames} video + {sent.AudioFrames} audio frames, {sent.BytesSent} bytes"));
            output.Stderr.WriteLine(
                string.Create(inv, $"uplink: received {received.VideoFrames} video + {received.AudioFrames} audio frames, {received.Bytes} bytes by the embedded server") +
                (codecs.Length > 0 ? "; " + codecs : "") +
                string.Create(inv, $"; largest gap video {received.LargestVideoGap.TotalMilliseconds:0} ms, audio {received.LargestAudioGap.TotalMilliseconds:0} ms") +
                (received.RecordingPath is null ? "" : "; recorded to " + received.RecordingPath));
        }

        if (!complete)
        {
            output.Warn($"the server received {received.VideoFrames} video and {received.AudioFrames} audio frames of the {sent.VideoFrames} and {sent.AudioFrames} sent");
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
