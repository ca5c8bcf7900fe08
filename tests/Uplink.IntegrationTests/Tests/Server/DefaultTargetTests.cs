using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;

namespace Uplink.IntegrationTests.Tests.Server;

/// <summary><c>uplink publish INPUT</c> without a URL: the embedded server receives it and says what it got.</summary>
public sealed class DefaultTargetTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-default-").FullName;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    [Fact]
    public async Task Publishing_without_a_url_goes_to_the_embedded_server_which_reports_and_records_every_frame()
    {
        string clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var result = await UplinkCli.RunAsync(["publish", clip, "--no-realtime", "--json", "--record", _recordings], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());

        JsonElement? sent = null;
        JsonElement? received = null;
        foreach (string line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = JsonDocument.Parse(line);
            switch (document.RootElement.GetProperty("type").GetString())
            {
                case "summary":
                    sent = document.RootElement.Clone();
                    break;
                case "received":
                    received = document.RootElement.Clone();
                    break;
            }
        }

        Assert.True(sent.HasValue && received.HasValue, result.Describe());
        Assert.Equal(sent.Value.GetProperty("videoFrames").GetInt64(), received.Value.GetProperty("videoFrames").GetInt64());
        Assert.Equal(sent.Value.GetProperty("audioFrames").GetInt64(), received.Value.GetProperty("audioFrames").GetInt64());
        Assert.True(received.Value.GetProperty("complete").GetBoolean());
        Assert.StartsWith("H.264", received.Value.GetProperty("video").GetString(), StringComparison.Ordinal);
        string recording = received.Value.GetProperty("recording").GetString()!;
        Assert.StartsWith(_recordings, recording, StringComparison.Ordinal);
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink -> embedded server");
    }
}
