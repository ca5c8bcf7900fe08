using Uplink.IntegrationTests.Cli;

namespace Uplink.IntegrationTests.Tests.Relay;

/// <summary><c>uplink serve --push</c>'s bad input: one line, exit code 2, before anything listens.</summary>
public sealed class ServePushUsageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("http://example.com/live/secret-key")]
    [InlineData("rtmp://example.com/live")]
    public async Task A_bad_push_URL_is_one_line_and_exit_code_2(string url)
    {
        var result = await UplinkCli.RunAsync(["serve", "--push", "rtmp://127.0.0.1/live/fine", "--push", url], Timeout);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("uplink: error: --push: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
