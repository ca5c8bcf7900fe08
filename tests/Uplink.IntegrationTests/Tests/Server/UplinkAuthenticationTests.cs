using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary>
/// <c>uplink publish --user --password</c> against <c>uplink serve --authmod adobe|llnw</c>, both as processes. The
/// server side of each method is refereed by FFmpeg (FfmpegToRtmpServerTests); here our client is the one under test.
/// </summary>
public sealed class UplinkAuthenticationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-auth-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Theory]
    [InlineData("adobe")]
    [InlineData("llnw")]
    public async Task Uplink_authenticates_with_the_right_password_and_is_refused_with_the_reason_otherwise(string authmod)
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        int port = FreePort.Next();
        await using var serve = UplinkCli.Start(["serve", "--listen", $"127.0.0.1:{port}", "--record", _recordings, "--user", "alice", "--password", "s3cret pass", "--authmod", authmod]);
        await serve.WaitForLineAsync(l => l.StartsWith("listening on rtmp://127.0.0.1:", StringComparison.Ordinal), "the listening line", Timeout);
        string url = $"rtmp://127.0.0.1:{port}/live/cam";

        var right = await UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--user", "alice", "--password", "s3cret pass"], Timeout);
        Assert.True(!right.TimedOut && right.ExitCode == 0, right.Describe());
        string end = await serve.WaitForLineAsync(l => l.StartsWith("end #", StringComparison.Ordinal), "the session end line", Timeout);
        string recording = end[(end.LastIndexOf(' ') + 1)..];
        await RecordingComparison.AssertSameFramesAsync(clip, recording, $"uplink -> uplink serve (authmod={authmod})");

        var wrong = await UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--user", "alice", "--password", "hunter2-wrong"], Timeout);
        Assert.True(!wrong.TimedOut && wrong.ExitCode == 3, wrong.Describe());
        Assert.Contains($"authmod={authmod}, reason=authfailed", wrong.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", wrong.StandardError + wrong.StandardOutput, StringComparison.Ordinal);

        var unknown = await UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--user", "mallory", "--password", "x"], Timeout);
        Assert.True(!unknown.TimedOut && unknown.ExitCode == 3, unknown.Describe());
        Assert.Contains("reason=nosuchuser", unknown.StandardError, StringComparison.Ordinal);
    }
}
