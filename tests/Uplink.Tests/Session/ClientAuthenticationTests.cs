using System.Net;
using Uplink.Server;
using Uplink.Tests.Server;

namespace Uplink.Tests.Session;

/// <summary>The writer's authentication against the embedded server (itself refereed by FFmpeg in the integration tests).</summary>
public class ClientAuthenticationTests
{
    private static async Task<RtmpServer> StartAsync(RtmpAuthMode mode, ServerTestLogs logs)
    {
        var server = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            UserName = "alice",
            Password = "correct horse",
            AuthMode = mode,
            LoggerFactory = logs,
        });
        await server.StartAsync();
        return server;
    }

    [Theory]
    [InlineData(RtmpAuthMode.Adobe)]
    [InlineData(RtmpAuthMode.Llnw)]
    public async Task The_right_password_publishes(RtmpAuthMode mode)
    {
        var logs = new ServerTestLogs();
        await using RtmpServer server = await StartAsync(mode, logs);
        var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SessionEnded += (_, s) => ended.TrySetResult(s);
        await using (var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{server.Port}/live/cam1",
            Credentials = new RtmpCredentials("alice", "correct horse"),
            Audio = null,
        }))
        {
            await writer.ConnectAsync();
            await writer.WriteVideoAsync(ElementaryStreams.VideoAccessUnits()[0], TimeSpan.Zero, TimeSpan.Zero);
        }

        PublishSessionSummary summary = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, summary.VideoFrames);
    }

    [Theory]
    [InlineData(RtmpAuthMode.Adobe)]
    [InlineData(RtmpAuthMode.Llnw)]
    public async Task Credentials_in_the_url_work_too(RtmpAuthMode mode)
    {
        var logs = new ServerTestLogs();
        await using RtmpServer server = await StartAsync(mode, logs);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://alice:correct%20horse@127.0.0.1:{server.Port}/live/cam2" });
        await writer.ConnectAsync();
        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }

    [Theory]
    [InlineData(RtmpAuthMode.Adobe, "alice", "reason=authfailed")]
    [InlineData(RtmpAuthMode.Llnw, "alice", "reason=authfailed")]
    [InlineData(RtmpAuthMode.Adobe, "mallory", "reason=nosuchuser")]
    [InlineData(RtmpAuthMode.Llnw, "mallory", "reason=nosuchuser")]
    public async Task A_wrong_password_or_user_fails_with_the_servers_reason_and_no_secret(RtmpAuthMode mode, string user, string reason)
    {
        var logs = new ServerTestLogs();
        await using RtmpServer server = await StartAsync(mode, logs);
        await using var writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{server.Port}/live/cam3",
            Credentials = new RtmpCredentials(user, "hunter2-wrong"),
        });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Equal(RtmpErrorKind.ConnectRejected, ex.Kind);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_the_error_says_authentication_is_required()
    {
        var logs = new ServerTestLogs();
        await using RtmpServer server = await StartAsync(RtmpAuthMode.Adobe, logs);
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/cam4" });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync());
        Assert.Contains("requires authentication (authmod=adobe)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_never_show_their_password()
    {
        var options = new RtmpWriterOptions { Url = "rtmp://u:pw-secret@host/live/s", Credentials = new RtmpCredentials("u", "pw-secret") };
        Assert.DoesNotContain("pw-secret", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-secret", options.Credentials!.ToString(), StringComparison.Ordinal);
    }
}
