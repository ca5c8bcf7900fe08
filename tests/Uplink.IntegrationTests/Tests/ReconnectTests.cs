using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// The server dies during a real-time publish and comes back: uplink reconnects while it keeps reading, the
/// second recording starts like a stream (sequence headers, keyframe) and, together, the two recordings hold
/// every frame sent.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class ReconnectTests : IAsyncLifetime
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

    /// <summary>Synchronous sends, a send loop, and live mode (whose drops never touch a reconnect's backlog).</summary>
    [Theory]
    [InlineData("--buffer-size 0")]
    [InlineData("--buffer-size 1000000")]
    [InlineData("--live")]
    public async Task A_server_killed_4_s_in_and_back_3_s_later_loses_nothing(string sendOptions)
    {
        // 16 s: the reconnection attempts back off (0.5, 1, 2, 4 s, ±20 %) from the kill at 4 s; when the one near 7 s
        // comes just before nginx is back, the next lands at up to 13 s, which must still be inside the clip (with 10 s
        // the input could end while reconnecting: one Connected, as seen once in CI).
        var options = new ClipOptions { DurationSeconds = 16, GopFrames = 25 };
        string clip = await ClipGenerator.GetAsync(options);
        string stream = StreamNames.Next("reconnect");
        await using var uplink = UplinkCli.Start(["publish", clip, Nginx.PublishUrl(stream), "--json", "--reconnect-attempts", "20", "--reconnect-delay", "0.5", .. sendOptions.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        await uplink.WaitForLineAsync(l => l.Contains("\"status\":\"Connected\"", StringComparison.Ordinal), "Connected", Timeout);

        // The outage itself is the scenario: 4 s of publishing, a dead server, 3 s of nothing.
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
        string[] statuses = result.StandardOutput.Split('\n').Where(l => l.Contains("\"type\":\"status\"", StringComparison.Ordinal)).ToArray();
        Assert.Contains(statuses, l => l.Contains("\"status\":\"Reconnecting\",\"code\":2", StringComparison.Ordinal));
        Assert.Equal(2, statuses.Count(l => l.Contains("\"status\":\"Connected\",\"code\":0", StringComparison.Ordinal)));

        string second = await Nginx.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));

        // The second recording decodes cleanly from its first frame: sequence headers, then a keyframe.
        var decode = await Processes.ExternalProcess.RunAsync(RequiredTools.Ffmpeg, ["-v", "error", "-i", second, "-f", "null", "-"], Timeout);
        Assert.True(decode.ExitCode == 0 && decode.StandardError.Trim().Length == 0, $"the second recording does not decode cleanly: {decode.Describe()}");
        var secondVideo = await FrameHashes.ComputeAsync(second, MediaKind.Video, HashMode.Packets);
        Assert.NotEmpty(secondVideo);

        // Together the recordings hold every frame of the source (duplicates are allowed: some frames are sent twice).
        foreach (MediaKind kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            var source = await FrameHashes.ComputeAsync(clip, kind, HashMode.Packets);
            var recorded = (await FrameHashes.ComputeAsync(firstKept, kind, HashMode.Packets))
                .Concat(await FrameHashes.ComputeAsync(second, kind, HashMode.Packets))
                .Select(h => h.Md5)
                .ToHashSet();
            var missing = source.Where(h => !recorded.Contains(h.Md5)).ToList();
            Assert.True(missing.Count == 0, $"{kind}: {missing.Count} of {source.Count} source frames are in neither recording, first {missing.FirstOrDefault()}");
        }
    }
}
