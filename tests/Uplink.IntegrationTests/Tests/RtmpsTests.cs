using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary>rtmps:// to Node-Media-Server's RTMPS port: verified against a private CA, refused without trust.</summary>
public sealed class RtmpsTests(NodeMediaServerRtmpsFixture fixture) : IClassFixture<NodeMediaServerRtmpsFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Publishing_over_rtmps_with_the_servers_CA_trusted_arrives_frame_identical()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("rtmps");
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Server.RtmpsPublishUrl(stream), "--no-realtime", "--tls-ca", fixture.Server.CertificatePath], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await fixture.Server.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink → Node-Media-Server over RTMPS");
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_with_exit_3_naming_the_reason()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Server.RtmpsPublishUrl(StreamNames.Next("untrusted")), "--no-realtime"], Timeout);
        Assert.False(result.TimedOut, result.Describe());
        Assert.True(result.ExitCode == 3, result.Describe());
        Assert.Contains("not trusted", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Tls_insecure_publishes_anyway_with_a_warning()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("insecure");
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Server.RtmpsPublishUrl(stream), "--no-realtime", "--tls-insecure"], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        Assert.Contains("uplink: warning: --tls-insecure", result.StandardError, StringComparison.Ordinal);
        var recording = await fixture.Server.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink → Node-Media-Server over RTMPS (--tls-insecure)");
    }
}
