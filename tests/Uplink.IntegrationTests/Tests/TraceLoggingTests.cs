using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary><c>--trace 0..9</c> and <c>--log-file</c> (and their UPLINK_TRACE / UPLINK_LOG_FILE forms), publishing to nginx-rtmp.</summary>
public sealed class TraceLoggingTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static string Sample => Path.Combine(RequiredTools.RepositoryRoot, "samples", "sample.flv");
    private readonly string _directory = Directory.CreateTempSubdirectory("uplink-trace-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string UrlWithSecrets(string stream) =>
        fixture.Peer.PublishUrl(stream + "Key0123456789?token=T0k3nValue").Replace("rtmp://", "rtmp://alice:S3cretPass@", StringComparison.Ordinal);

    private static void AssertNoSecret(string text, string where)
    {
        foreach (string secret in new[] { "S3cretPass", "Key0123456789", "T0k3nValue" })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} holds the secret {secret}");
        }
    }

    [Fact]
    public async Task Trace_9_logs_every_message_and_every_chunk_to_the_file_and_never_a_secret()
    {
        string log = Path.Combine(_directory, "uplink.log");
        ProcessResult result = await UplinkCli.RunAsync(["publish", Sample, UrlWithSecrets(StreamNames.Next("trace")), "--no-realtime", "--trace", "9", "--log-file", log], Timeout);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());

        string text = await File.ReadAllTextAsync(log);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int frames = lines.Count(l => l.Contains("Uplink.Session[1011] Sent message type 9 ", StringComparison.Ordinal) || l.Contains("Uplink.Session[1011] Sent message type 8 ", StringComparison.Ordinal));
        int chunks = lines.Count(l => l.Contains("Uplink.Chunks[1012] Chunk ", StringComparison.Ordinal));

        // The sample's 125 video and 236 audio frames, plus the two sequence headers.
        Assert.True(frames >= 125 + 236, $"{frames} media messages logged");
        Assert.True(chunks > frames, $"{chunks} chunks logged for {frames} media messages (the keyframes span several)");
        Assert.Contains(lines, l => l.Contains("Uplink.RtmpWriter[1100] Status Connected", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Uplink.Session[1010] Received message", StringComparison.Ordinal));
        Assert.EndsWith("disconnected by the caller", lines[^1].TrimEnd(), StringComparison.Ordinal);
        AssertNoSecret(text, "the log");
        AssertNoSecret(result.StandardOutput + result.StandardError, "the output");
    }

    [Fact]
    public async Task UPLINK_TRACE_and_UPLINK_LOG_FILE_work_as_the_flags_do_and_level_3_logs_nothing_per_frame()
    {
        string log = Path.Combine(_directory, "env.log");
        ProcessResult result = await UplinkCli.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["UPLINK_TRACE"] = "3", ["UPLINK_LOG_FILE"] = log },
            ["publish", Sample, fixture.Peer.PublishUrl(StreamNames.Next("trace-env")), "--no-realtime"], Timeout);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe());

        string[] lines = (await File.ReadAllTextAsync(log)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains(" INFO  Uplink.Session[1001] Connected to", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" TRACE ", StringComparison.Ordinal) || l.Contains(" DEBUG ", StringComparison.Ordinal));
        Assert.True(lines.Length < 30, $"{lines.Length} lines at level 3 for a 5 s clip: something logs per frame");
    }

    [Theory]
    [InlineData("12")]
    [InlineData("loud")]
    public async Task A_bad_UPLINK_TRACE_is_refused_in_one_line_with_exit_2(string value)
    {
        ProcessResult result = await UplinkCli.RunWithEnvironmentAsync(
            new Dictionary<string, string> { ["UPLINK_TRACE"] = value },
            ["publish", Sample, fixture.Peer.PublishUrl(StreamNames.Next("trace-bad")), "--no-realtime"], Timeout);
        Assert.True(result.ExitCode == 2, result.Describe());
        string error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("UPLINK_TRACE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trace_level_out_of_range_is_refused_with_exit_2()
    {
        ProcessResult result = await UplinkCli.RunAsync(["publish", Sample, fixture.Peer.PublishUrl("x"), "--trace", "10"], Timeout);
        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.Contains("--trace must be 0 to 9", result.StandardError, StringComparison.Ordinal);
    }
}
