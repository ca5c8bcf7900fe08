using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary>The <c>uplink serve</c> command as a process: ffmpeg publishes to it, it prints the session and records it.</summary>
public sealed class UplinkServeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-serve-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Fact]
    public async Task Ffmpeg_publishes_to_uplink_serve_which_prints_the_session_records_it_and_stops_on_SIGTERM()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        int port = FreePort.Next();
        await using var serve = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{port}", "--record", _recordings, "--user", "alice", "--password", "s3cret", "--authmod", "llnw"]);
        await serve.WaitForLineAsync(l => l.StartsWith("listening on rtmp://127.0.0.1:", StringComparison.Ordinal), "the listening line", Timeout);

        var result = await FfmpegPublisher.PublishAsync(clip, $"rtmp://alice:s3cret@127.0.0.1:{port}/live/cam", Timeout);
        Assert.True(result.ExitCode == 0, result.Describe());
        string end = await serve.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal), "the session end line", Timeout);

        await serve.StopAsync(TimeSpan.FromSeconds(10));
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, exit.ExitCode);
        Assert.Contains("start #", serve.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("live/cam: unpublished;", end, StringComparison.Ordinal);
        Assert.Contains("H.264 High", end, StringComparison.Ordinal);
        Assert.Contains("AAC 48000 Hz 2 ch", end, StringComparison.Ordinal);
        string recording = Assert.Single(Directory.GetFiles(Path.Combine(_recordings, "live"), "cam-*.flv"));
        Assert.EndsWith(recording, end, StringComparison.Ordinal);
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "ffmpeg -> uplink serve");
    }

    [Fact]
    public async Task Serve_refuses_a_user_without_a_password()
    {
        var result = await UplinkCli.RunAsync(["serve", "--user", "alice"], Timeout);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--user and --password go together", result.StandardError, StringComparison.Ordinal);
    }
}
