using System.Globalization;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary>Query-token authentication as nginx-rtmp's <c>on_publish</c> does it: the token rides in the publish name's query.</summary>
public sealed class QueryTokenAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private TokenAuthEndpoint? _auth;
    private NginxRtmp? _nginx;

    private TokenAuthEndpoint Auth => _auth!;

    private NginxRtmp Nginx => _nginx!;

    public async Task InitializeAsync()
    {
        _auth = new TokenAuthEndpoint("s3cret-t0ken");
        _nginx = await NginxRtmp.StartAsync(_auth.Url);
    }

    public async Task DisposeAsync()
    {
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        if (_auth is not null)
        {
            await _auth.DisposeAsync();
        }
    }

    private string SecureUrl(string stream, string token) =>
        $"rtmp://127.0.0.1:{Nginx.Port.ToString(CultureInfo.InvariantCulture)}/secure/{stream}?token={token}";

    [Fact]
    public async Task The_right_token_publishes_and_reaches_the_server_untouched()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("token");
        var result = await UplinkCli.RunAsync(["publish", clip, SecureUrl(stream, Auth.ExpectedToken), "--no-realtime"], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Contains(Auth.Requests, q => q.Contains("token=" + Auth.ExpectedToken, StringComparison.Ordinal) && q.Contains("name=" + stream, StringComparison.Ordinal));
        var recording = await Nginx.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink → nginx-rtmp with an on_publish token");
        Assert.DoesNotContain(Auth.ExpectedToken, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_exit_3_and_the_token_is_not_printed()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var result = await UplinkCli.RunAsync(["publish", clip, SecureUrl(StreamNames.Next("badtoken"), "wrong-t0ken"), "--no-realtime"], Timeout);
        Assert.False(result.TimedOut, result.Describe());
        Assert.True(result.ExitCode == 3, result.Describe());
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("uplink: error:", StringComparison.Ordinal));
        Assert.DoesNotContain("wrong-t0ken", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }
}
