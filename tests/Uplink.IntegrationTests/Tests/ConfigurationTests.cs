using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>Settings from a JSON file (<c>--config</c>), UPLINK_… variables and flags: flags win over variables, variables over the file.</summary>
public sealed class ConfigurationTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static string Sample => Path.Combine(RequiredTools.RepositoryRoot, "samples", "sample.flv");
    private readonly string _directory = Directory.CreateTempSubdirectory("uplink-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ConfigFile(string json)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task The_file_gives_the_URL_a_variable_overrides_it_and_a_flag_overrides_both()
    {
        string fromFile = StreamNames.Next("cfg-file");
        string fromEnv = StreamNames.Next("cfg-env");
        string fromFlag = StreamNames.Next("cfg-flag");
        string config = ConfigFile($$"""{ "Url": "{{fixture.Peer.PublishUrl(fromFile)}}", "NoRealtime": true, "ChunkSize": 128 }""");

        ProcessResult file = await UplinkCli.RunAsync(["publish", Sample, "--config", config], Timeout);
        Assert.True(file.ExitCode == 0, file.Describe());
        await fixture.Peer.WaitForRecordingAsync(fromFile, Timeout);

        var env = new Dictionary<string, string> { ["UPLINK_URL"] = fixture.Peer.PublishUrl(fromEnv) };
        ProcessResult variable = await UplinkCli.RunWithEnvironmentAsync(env, ["publish", Sample, "--config", config], Timeout);
        Assert.True(variable.ExitCode == 0, variable.Describe());
        await fixture.Peer.WaitForRecordingAsync(fromEnv, Timeout);

        ProcessResult flag = await UplinkCli.RunWithEnvironmentAsync(env, ["publish", Sample, fixture.Peer.PublishUrl(fromFlag), "--config", config], Timeout);
        Assert.True(flag.ExitCode == 0, flag.Describe());
        await fixture.Peer.WaitForRecordingAsync(fromFlag, Timeout);

        // NoRealtime from the file took effect in all three (a 5 s clip in well under 5 s each).
        Assert.Contains(" in 0.", flag.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_print_shows_each_setting_with_its_source_and_masks_secrets()
    {
        string config = ConfigFile("""{ "ReconnectAttempts": 9, "Password": "hunter2", "Url": "rtmp://bob:pw@127.0.0.1/live/SECRETKEY", "Live": true }""");
        var env = new Dictionary<string, string> { ["UPLINK_RECONNECT_ATTEMPTS"] = "12" };
        ProcessResult result = await UplinkCli.RunWithEnvironmentAsync(env, ["config", "--print", "--config", config], Timeout);
        Assert.True(result.ExitCode == 0, result.Describe());
        string[] lines = result.StandardOutput.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("ReconnectAttempts", StringComparison.Ordinal) && l.Contains("12", StringComparison.Ordinal) && l.Contains("(UPLINK_RECONNECT_ATTEMPTS)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Live", StringComparison.Ordinal) && l.Contains("True", StringComparison.Ordinal) && l.Contains(config, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Password", StringComparison.Ordinal) && l.Contains("***", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("SendTimeout", StringComparison.Ordinal) && l.Contains("15", StringComparison.Ordinal));
        foreach (string secret in new[] { "hunter2", "SECRETKEY", ":pw@" })
        {
            Assert.DoesNotContain(secret, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{ "ReconnectAttempts": 5000 }""", "ReconnectAttempts", "must be 0 to 1000")]
    [InlineData("""{ "ReconectAttempts": 3 }""", "unknown setting 'ReconectAttempts'", "publish flags")]
    [InlineData("""{ "Live": "maybe" }""", "Live must be true or false", "maybe")]
    [InlineData("""{ "ChunkSize": 64 }""", "ChunkSize", "128 to 65536")]
    [InlineData("""{ bad json""", "--config", "JSON")]
    public async Task An_invalid_setting_in_the_file_is_refused_at_start_naming_it_and_the_allowed_values(string json, string named, string detail)
    {
        string config = ConfigFile(json);
        ProcessResult result = await UplinkCli.RunAsync(["publish", Sample, "--config", config], Timeout);
        Assert.True(result.ExitCode == 2, result.Describe());
        string error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Contains(detail, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_variable_is_refused_naming_the_variable()
    {
        var env = new Dictionary<string, string> { ["UPLINK_SEND_TIMEOUT"] = "-1" };
        ProcessResult result = await UplinkCli.RunWithEnvironmentAsync(env, ["publish", Sample], Timeout);
        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.Contains("UPLINK_SEND_TIMEOUT", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--send-timeout must be more than 0", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--reconnect-attempts", "abc")]
    [InlineData("--fps", "fast")]
    [InlineData("--trace", "loud")]
    public async Task A_flag_value_that_does_not_convert_is_a_one_line_error_not_a_stack_trace(string flag, string value)
    {
        ProcessResult result = await UplinkCli.RunAsync(["publish", Sample, flag, value], Timeout);
        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.Contains($"Cannot parse argument '{value}' for option '{flag}'", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
