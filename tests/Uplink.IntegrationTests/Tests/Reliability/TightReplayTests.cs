using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Reliability;

/// <summary>
/// How much a reconnect repeats: nginx-rtmp acknowledges every window we announce (a quarter second of media), so after
/// it is killed and back the stream goes on from the GOP holding the first frame it had not acknowledged — every frame
/// recorded, at most one GOP twice.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class TightReplayTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private NginxRtmp? _nginx;

    private NginxRtmp Nginx => _nginx!;

    public async Task InitializeAsync() => _nginx = await NginxRtmp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_killed_4_s_into_a_publish_and_back_at_7_s_records_every_frame_and_at_most_one_GOP_twice()
    {
        // 20 s at 30 fps, 2 s GOP, 3 Mbit/s: 600 video frames, GOPs of 60.
        var options = new ClipOptions { DurationSeconds = 20, Fps = 30, GopFrames = 60, Width = 640, Height = 360, VideoBitrateKbps = 3000 };
        string clip = await ClipGenerator.GetAsync(options);
        var source = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
        Assert.Equal(600, source.Count);

        string stream = StreamNames.Next("tight-replay");
        await using var uplink = UplinkCli.Start(["publish", clip, Nginx.PublishUrl(stream), "--json", "--reconnect-attempts", "20", "--reconnect-delay", "0.5"]);
        await uplink.WaitForLineAsync(l => l.Contains("\"status\":\"Connected\"", StringComparison.Ordinal), "Connected", Timeout);

        // The outage is the scenario: 4 s of publishing, a dead server, 3 s of nothing.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await Nginx.KillAsync();
        await uplink.WaitForLineAsync(l => l.Contains("\"status\":\"Reconnecting\"", StringComparison.Ordinal), "Reconnecting", Timeout);
        string first = Path.Combine(Nginx.Recordings, stream + ".flv");
        string firstKept = Path.Combine(Nginx.Recordings, stream + ".before-outage.flv");
        File.Move(first, firstKept);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Nginx.StartAgainAsync();

        var result = await uplink.WaitForExitAsync(Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        string second = await Nginx.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));

        await RecordedFrames.AssertEveryFrameAndRepeatsWithinAsync(clip, [firstKept, second], repeatedFrames: options.GopFrames);
    }
}
