using System.Globalization;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Relay;

/// <summary>
/// <c>uplink serve --push A --push B</c> as a restreaming relay: FFmpeg publishes a clip in real time to uplink, which
/// forwards it to nginx-rtmp (A) and Node-Media-Server (B); both record it, and each recording is compared frame by
/// frame with the source.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class ServePushTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-relay-").FullName;
    private NginxRtmp? _nginx;
    private NodeMediaServer? _nms;

    private NginxRtmp Nginx => _nginx!;

    private NodeMediaServer Nms => _nms!;

    public async Task InitializeAsync()
    {
        _nginx = await NginxRtmp.StartAsync();
        _nms = await NodeMediaServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        if (_nms is not null)
        {
            await _nms.DisposeAsync();
        }

        Directory.Delete(_recordings, recursive: true);
    }

    /// <summary>Starts <c>uplink serve --push</c> to both peers (the stream keys differ from the published name) and waits for it to listen.</summary>
    private async Task<(ExternalProcess Serve, int Port)> StartServeAsync(string nginxStream, string nmsStream)
    {
        int port = FreePort.Next();
        var serve = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{port}", "--record", _recordings, "--push", Nginx.PublishUrl(nginxStream), "--push", Nms.PublishUrl(nmsStream)]);
        await serve.WaitForLineAsync(l => l.StartsWith("listening on rtmp://127.0.0.1:", StringComparison.Ordinal), "the listening line", Timeout);
        return (serve, port);
    }

    private static string Destination(int port) => $"rtmp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/live/***";

    [Fact]
    public async Task Both_push_servers_record_every_frame_and_a_second_publish_meanwhile_is_refused()
    {
        string clip = await ClipGenerator.GetAsync(new ClipOptions { DurationSeconds = 6, GopFrames = 25 });
        string nginxStream = StreamNames.Next("relay-a"), nmsStream = StreamNames.Next("relay-b");
        (ExternalProcess serve, int port) = await StartServeAsync(nginxStream, nmsStream);
        await using (serve)
        {
            await using var ffmpeg = FfmpegPublisher.StartRealTime(clip, $"rtmp://127.0.0.1:{port}/live/cam");
            await serve.WaitForLineAsync(l => l.Contains($"{Destination(Nginx.Port)}: Connected", StringComparison.Ordinal), "nginx-rtmp connected", Timeout);
            await serve.WaitForLineAsync(l => l.Contains($"{Destination(Nms.Port)}: Connected", StringComparison.Ordinal), "Node-Media-Server connected", Timeout);

            // The push URLs take one stream: another publisher meanwhile is told why it is refused.
            var second = await FfmpegPublisher.PublishAsync(clip, $"rtmp://127.0.0.1:{port}/live/other", Timeout);
            Assert.True(second.ExitCode != 0, second.Describe());
            Assert.Contains("takes 1 publish at a time and one is in progress", second.StandardError, StringComparison.Ordinal);

            var published = await ffmpeg.WaitForExitAsync(Timeout);
            Assert.True(published.ExitCode == 0, published.Describe());
            string end = await serve.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal) && l.Contains("live/cam:", StringComparison.Ordinal), "the session end line", Timeout);
            Assert.Contains("unpublished;", end, StringComparison.Ordinal);

            string output = serve.StandardOutput;
            Assert.Contains("refused #", output, StringComparison.Ordinal);
            foreach (IRtmpPeer peer in new IRtmpPeer[] { Nginx, Nms })
            {
                int peerPort = peer == Nginx ? Nginx.Port : Nms.Port;
                string summary = output.Split('\n').Single(l => l.StartsWith("push #", StringComparison.Ordinal) && l.Contains($"{Destination(peerPort)}: sent", StringComparison.Ordinal));
                Assert.Contains(" 0 dropped, 0 reconnects", summary, StringComparison.Ordinal);
                Assert.DoesNotContain("failed", summary, StringComparison.Ordinal);
            }

            Assert.Contains("latency (received to socket): p50", output, StringComparison.Ordinal);
            Assert.DoesNotContain(nginxStream, output + serve.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain(nmsStream, output + serve.StandardError, StringComparison.Ordinal);
        }

        await RecordingComparison.AssertSameFramesAsync(clip, await Nginx.WaitForRecordingAsync(nginxStream, Timeout), "ffmpeg -> uplink serve --push -> nginx-rtmp");
        await RecordingComparison.AssertSameFramesAsync(clip, await Nms.WaitForRecordingAsync(nmsStream, Timeout), "ffmpeg -> uplink serve --push -> Node-Media-Server");
        string local = Assert.Single(Directory.GetFiles(Path.Combine(_recordings, "live"), "cam-*.flv"));
        await RecordingComparison.AssertSameFramesAsync(clip, local, "ffmpeg -> uplink serve --record");
    }

    [Fact]
    public async Task With_nginx_down_for_3_s_mid_publish_Node_Media_Server_loses_nothing_and_nginx_gets_the_stream_again()
    {
        // 20 s: nginx dies 4 s in; the relay's reconnection attempts back off (2, 4 s, ±20 %) so the one that finds it
        // back may come ~10 s in, and the clip must still be running then.
        string clip = await ClipGenerator.GetAsync(new ClipOptions { DurationSeconds = 20, GopFrames = 25 });
        string nginxStream = StreamNames.Next("relay-outage-a"), nmsStream = StreamNames.Next("relay-outage-b");
        (ExternalProcess serve, int port) = await StartServeAsync(nginxStream, nmsStream);
        string nginxName = Destination(Nginx.Port);
        await using (serve)
        {
            await using var ffmpeg = FfmpegPublisher.StartRealTime(clip, $"rtmp://127.0.0.1:{port}/live/cam");
            await serve.WaitForLineAsync(l => l.Contains($"{nginxName}: Connected", StringComparison.Ordinal), "nginx-rtmp connected", Timeout);

            // The outage itself is the scenario: 4 s of relaying, a dead nginx, 3 s of nothing.
            await Task.Delay(TimeSpan.FromSeconds(4));
            await Nginx.KillAsync();
            await serve.WaitForLineAsync(l => l.Contains($"{nginxName}: Reconnecting", StringComparison.Ordinal), "nginx-rtmp reconnecting", Timeout);
            string first = Path.Combine(Nginx.Recordings, nginxStream + ".flv");
            File.Move(first, Path.Combine(Nginx.Recordings, nginxStream + ".before-outage.flv"));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await Nginx.StartAgainAsync();
            bool lost = false;
            await serve.WaitForLineAsync(
                l => (lost |= l.Contains($"{nginxName}: Reconnecting", StringComparison.Ordinal)) && l.Contains($"{nginxName}: Connected", StringComparison.Ordinal),
                "nginx-rtmp connected again",
                Timeout);

            var published = await ffmpeg.WaitForExitAsync(Timeout);
            Assert.True(published.ExitCode == 0, published.Describe());
            await serve.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal), "the session end line", Timeout);
            string nginxSummary = serve.StandardOutput.Split('\n').Single(l => l.Contains($"{nginxName}: sent", StringComparison.Ordinal));
            Assert.Contains(" 1 reconnects", nginxSummary, StringComparison.Ordinal);
            Assert.DoesNotContain("failed", nginxSummary, StringComparison.Ordinal);
        }

        // Node-Media-Server never noticed: every frame, in order.
        await RecordingComparison.AssertSameFramesAsync(clip, await Nms.WaitForRecordingAsync(nmsStream, Timeout), "uplink serve --push -> Node-Media-Server while nginx-rtmp was down");

        // nginx-rtmp's recording after the restart decodes cleanly from its first frame (sequence headers, then a keyframe).
        string second = await Nginx.WaitForRecordingAsync(nginxStream, Timeout);
        var decode = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-v", "error", "-i", second, "-f", "null", "-"], Timeout);
        Assert.True(decode.ExitCode == 0 && decode.StandardError.Trim().Length == 0, $"the recording after the restart does not decode cleanly: {decode.Describe()}");
        Assert.NotEmpty(await FrameHashes.ComputeAsync(second, MediaKind.Video, HashMode.Packets));
    }

}
