using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Destinations;

/// <summary>
/// Two destinations, nginx-rtmp and Node-Media-Server; nginx dies during a real-time publish and comes back. NMS never
/// notices (its recording is the source, no gap); nginx's destination reconnects on its own and its two recordings,
/// together, hold every frame — as with nginx alone (<see cref="ReconnectTests"/>).
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class NginxRestartBesideNmsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
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
    }

    [Fact]
    public async Task Nginx_killed_and_back_reconnects_alone_while_NMS_records_every_frame()
    {
        // 16 s, as in ReconnectTests: the backed-off attempts after the kill at 4 s still land inside the clip.
        var options = new ClipOptions { DurationSeconds = 16, GopFrames = 25 };
        string clip = await ClipGenerator.GetAsync(options);
        string stream = StreamNames.Next("destinations-restart");
        string nginxPort = FormattableString.Invariant($":{Nginx.Port}/");
        await using var uplink = UplinkCli.Start(["publish", clip, Nginx.PublishUrl(stream), Nms.PublishUrl(stream), "--json", "--reconnect-attempts", "20", "--reconnect-delay", "0.5"]);
        await uplink.WaitForLineAsync(l => IsNginxStatus(l, nginxPort, "Connected"), "nginx's destination Connected", Timeout);

        // The outage itself is the scenario: 4 s of publishing, a dead server, 3 s of nothing.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await Nginx.KillAsync();
        await uplink.WaitForLineAsync(l => IsNginxStatus(l, nginxPort, "Reconnecting"), "nginx's destination Reconnecting", Timeout);
        string first = Path.Combine(Nginx.Recordings, stream + ".flv");
        string firstKept = Path.Combine(Nginx.Recordings, stream + ".before-outage.flv");
        File.Move(first, firstKept);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Nginx.StartAgainAsync();

        var result = await uplink.WaitForExitAsync(Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var json = new JsonOutput(result);
        IReadOnlyList<JsonElement> nginxStatuses = json.About("status", port: Nginx.Port);
        Assert.Contains(nginxStatuses, l => l.GetProperty("status").GetString() == "Reconnecting");
        Assert.True(nginxStatuses.Count(l => l.GetProperty("status").GetString() == "Connected") == 2, result.Describe());
        Assert.True(json.Result(port: Nginx.Port).GetProperty("reconnects").GetInt64() >= 1, result.Describe());
        Assert.DoesNotContain(json.About("status", port: Nms.Port), l => l.GetProperty("status").GetString() == "Reconnecting");
        Assert.Equal(0, json.Result(port: Nms.Port).GetProperty("reconnects").GetInt64());

        string nmsRecording = await Nms.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, nmsRecording, "uplink → Node-Media-Server while nginx-rtmp beside it died and came back");

        string second = await Nginx.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));

        // The second recording decodes cleanly from its first frame: sequence headers, then a keyframe.
        var decode = await Processes.ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-v", "error", "-i", second, "-f", "null", "-"], Timeout);
        Assert.True(decode.ExitCode == 0 && decode.StandardError.Trim().Length == 0, $"the second recording does not decode cleanly: {decode.Describe()}");
        Assert.NotEmpty(await FrameHashes.ComputeAsync(second, MediaKind.Video, HashMode.Packets));

        // Together nginx's recordings hold every frame of the source (duplicates are allowed: some frames are sent twice).
        foreach (MediaKind kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            var source = await FrameHashes.ComputeAsync(clip, kind, HashMode.Packets);
            var recorded = (await FrameHashes.ComputeAsync(firstKept, kind, HashMode.Packets))
                .Concat(await FrameHashes.ComputeAsync(second, kind, HashMode.Packets))
                .Select(h => h.Md5)
                .ToHashSet();
            var missing = source.Where(h => !recorded.Contains(h.Md5)).ToList();
            Assert.True(missing.Count == 0, $"{kind}: {missing.Count} of {source.Count} source frames are in neither nginx recording, first {missing.FirstOrDefault()}");
        }
    }

    private static bool IsNginxStatus(string line, string nginxPort, string status) =>
        line.Contains("\"type\":\"status\"", StringComparison.Ordinal)
        && line.Contains("\"destination\":", StringComparison.Ordinal)
        && line.Contains(nginxPort, StringComparison.Ordinal)
        && line.Contains($"\"status\":\"{status}\"", StringComparison.Ordinal);
}
