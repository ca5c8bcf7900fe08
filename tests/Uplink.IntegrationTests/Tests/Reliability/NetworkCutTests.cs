using System.Globalization;
using System.Net;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.Testing;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// The network fails while the server stays up: every connection through <see cref="FaultInjectionProxy"/> is reset 4 s
/// into a real-time publish, and uplink reconnects through it at once.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class NetworkCutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // 20 s at 30 fps, 2 s GOP, 3 Mbit/s: 600 video frames, GOPs of 60.
    private static readonly ClipOptions Clip = new() { DurationSeconds = 20, Fps = 30, GopFrames = 60, Width = 640, Height = 360, VideoBitrateKbps = 3000 };

    private static string Ffprobe => RequiredTools.Find("ffprobe", "apt-get install ffmpeg");

    /// <summary>
    /// Node-Media-Server joins a publish from the same address within its resume window to the one before, adding that
    /// one's last timestamp to the new connection's. Uplink's timestamps restart after a loss, so the one recording runs
    /// on without a jump, and holds every frame.
    /// </summary>
    [Fact]
    public async Task A_cut_within_Node_Media_Servers_resume_window_gives_one_recording_with_continuous_timestamps_and_every_frame()
    {
        await using var nms = await NodeMediaServer.StartAsync(resumeWindow: TimeSpan.FromSeconds(4));
        await using var proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, nms.Port));
        string clip = await ClipGenerator.GetAsync(Clip);
        string stream = StreamNames.Next("cut-nms");

        var result = await PublishWithCutAsync(clip, $"rtmp://127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/live/{stream}", proxy, reconnectDelay: "0.5", afterCut: null);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Equal(2, proxy.ConnectionsAccepted);

        string recording = await nms.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(20));
        // Node-Media-Server acknowledges nothing: what its host's TCP acknowledged a second earlier stands in, so up to a
        // second more than a GOP may go twice.
        var hashes = await RecordedFrames.AssertEveryFrameAndRepeatsWithinAsync(clip, [recording], repeatedFrames: Clip.GopFrames + Clip.Fps);

        // Continuous: each frame's decoding time follows the one before by one frame interval (33 or 34 ms); at the join
        // by at most one more interval plus the stream's reordering (its largest composition time), so the replayed
        // keyframe is presented after every frame before it. Never back, never a jump by the stream's length (what
        // continued timestamps would give).
        var packets = await VideoPacketsAsync(recording);
        Assert.Equal(hashes.Count, packets.Count);
        long reorder = (await VideoPacketsAsync(clip)).Max(p => p.Pts - p.Dts);
        var steps = packets.Zip(packets.Skip(1), (a, b) => b.Dts - a.Dts).ToList();
        Assert.True(steps.All(s => s > 0), $"timestamps go back: {string.Join(", ", steps.Where(s => s <= 0).Take(5))} ms");
        Assert.True(steps.Max() <= 34 + 34 + reorder, $"a jump of {steps.Max()} ms in the recording's timestamps (reordering {reorder} ms)");
        Assert.True(steps.Count(s => s > 34) <= 1, $"{steps.Count(s => s > 34)} joins in the recording's timestamps: {string.Join(", ", steps.Where(s => s > 34))} ms");

        // And it decodes as one stream: FFmpeg finds no timestamps out of order.
        var decode = await ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-v", "error", "-i", recording, "-f", "null", "-"], Timeout);
        Assert.True(decode.ExitCode == 0 && decode.StandardError.Trim().Length == 0, $"the recording does not decode cleanly: {decode.Describe()}");
    }

    /// <summary>nginx-rtmp ends the publish with the connection and records the next one anew: the two recordings hold
    /// every frame, at most one GOP twice.</summary>
    [Fact]
    public async Task A_cut_to_nginx_rtmp_reconnects_and_the_two_recordings_hold_every_frame_at_most_one_GOP_twice()
    {
        await using var nginx = await NginxRtmp.StartAsync();
        await using var proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, nginx.Port));
        string clip = await ClipGenerator.GetAsync(Clip);
        string stream = StreamNames.Next("cut-nginx");
        string first = Path.Combine(nginx.Recordings, stream + ".flv");
        string firstKept = Path.Combine(nginx.Recordings, stream + ".before-cut.flv");

        // A 2 s delay leaves time to set the first recording aside before the next publish writes to the same name.
        var result = await PublishWithCutAsync(clip, nginx.PublishUrl(stream).Replace($":{nginx.Port}/", $":{proxy.Port}/", StringComparison.Ordinal), proxy, reconnectDelay: "2",
            afterCut: () => File.Move(first, firstKept));
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Equal(2, proxy.ConnectionsAccepted);

        string second = await nginx.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordedFrames.AssertEveryFrameAndRepeatsWithinAsync(clip, [firstKept, second], repeatedFrames: Clip.GopFrames);
    }

    private static async Task<ProcessResult> PublishWithCutAsync(string clip, string url, FaultInjectionProxy proxy, string reconnectDelay, Action? afterCut)
    {
        await using var uplink = UplinkCli.Start(["publish", clip, url, "--json", "--reconnect-attempts", "10", "--reconnect-delay", reconnectDelay]);
        await uplink.WaitForLineAsync(l => l.Contains("\"status\":\"Connected\"", StringComparison.Ordinal), "Connected", Timeout);

        // The cut is the scenario: 4 s of publishing, then every connection reset while the server stays up.
        await Task.Delay(TimeSpan.FromSeconds(4));
        proxy.CutAll();
        await uplink.WaitForLineAsync(l => l.Contains("\"status\":\"Reconnecting\"", StringComparison.Ordinal), "Reconnecting", Timeout);
        afterCut?.Invoke();
        return await uplink.WaitForExitAsync(Timeout);
    }

    /// <summary>Each video packet's decoding and presentation time in ms (FLV's time base), in file order.</summary>
    private static async Task<List<(long Dts, long Pts)>> VideoPacketsAsync(string file)
    {
        var probe = await ExternalProcess.RunAsync(Ffprobe, ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts,pts", "-of", "csv=p=0", file], Timeout);
        Assert.True(probe.ExitCode == 0, probe.Describe());
        return probe.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[0], CultureInfo.InvariantCulture)))
            .ToList();
    }
}
