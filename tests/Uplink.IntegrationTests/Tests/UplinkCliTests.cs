using System.Globalization;
using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests;

/// <summary>The <c>uplink publish</c> contract: exit codes, one-line errors and the --json summary.</summary>
public sealed class UplinkCliTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A host name that cannot resolve is a connection failure: exit code 3, one line on stderr.</summary>
    [Fact]
    public async Task Publishing_to_a_host_that_does_not_resolve_exits_3_with_one_error_line()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var result = await UplinkCli.RunAsync(["publish", clip, "rtmp://uplink-no-such-host.invalid/live/x", "--no-realtime"], Timeout);
        AssertFailedWith(result, 3);
    }

    /// <summary>A port nobody listens on is a connection failure: exit code 3.</summary>
    [Fact]
    public async Task Publishing_to_a_closed_port_exits_3_with_one_error_line()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var url = string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{FreePort.Next()}/live/x");
        var result = await UplinkCli.RunAsync(["publish", clip, url, "--no-realtime"], Timeout);
        AssertFailedWith(result, 3);
    }

    /// <summary>An input file that does not exist is bad input: exit code 2, one line on stderr.</summary>
    [Fact]
    public async Task Publishing_a_missing_input_file_exits_2_with_one_error_line()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"uplink-missing-{Guid.NewGuid():N}.flv");
        var result = await UplinkCli.RunAsync(["publish", missing, fixture.Peer.PublishUrl(StreamNames.Next("missing")), "--no-realtime"], Timeout);
        AssertFailedWith(result, 2);
    }

    /// <summary>--json ends with a summary line whose videoFrames equals the clip's video frame count.</summary>
    [Fact]
    public async Task Publishing_with_json_writes_a_summary_with_the_source_frame_count()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var sourceVideo = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(StreamNames.Next("json")), "--no-realtime", "--json"], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());

        JsonElement? summary = null;
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = ParseJsonLine(line, result);
            if (document.RootElement.TryGetProperty("type", out var type) && type.GetString() == "summary")
            {
                summary = document.RootElement.Clone();
            }
        }

        Assert.True(summary.HasValue, $"no {{\"type\":\"summary\",…}} line on stdout.\n{result.Describe()}");
        foreach (var field in new[] { "videoFrames", "audioFrames", "bytesSent", "durationSeconds" })
        {
            Assert.True(summary.Value.TryGetProperty(field, out _), $"summary has no {field}: {summary}");
        }

        var videoFrames = summary.Value.GetProperty("videoFrames");
        Assert.Equal(sourceVideo.Count, videoFrames.GetInt64());
        Assert.True(summary.Value.TryGetProperty("bytesSent", out var bytesSent) && bytesSent.GetInt64() > 0, $"summary has no positive bytesSent: {summary}");
    }

    /// <summary>Without --no-realtime the clip is paced at its own speed: a 3 s clip cannot take well under 3 s.</summary>
    [Fact]
    public async Task Publishing_without_no_realtime_paces_the_clip_in_real_time()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("realtime");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(stream)], Timeout);
        var elapsed = clock.Elapsed;

        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        // Loose on purpose: a publisher may burst a little ahead (e.g. the first GOP), but not the whole clip.
        Assert.True(elapsed >= TimeSpan.FromSeconds(ClipCases.Default.DurationSeconds - 1.5), $"a {ClipCases.Default.DurationSeconds} s clip was published in {elapsed.TotalSeconds:0.00} s");
        var recording = await fixture.Peer.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink (real time) → nginx-rtmp");
    }

    /// <summary>Ctrl-C (SIGINT) ends the stream cleanly: exit 0, a summary, and a recording whose frames are the
    /// source's first frames, intact (FCUnpublish and a graceful close, not a torn connection).</summary>
    [Fact]
    public async Task Ctrl_C_unpublishes_cleanly_and_exits_0_with_a_summary()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("ctrlc");
        await using var process = UplinkCli.Start(["publish", clip, fixture.Peer.PublishUrl(stream), "--json"]);
        await process.WaitForLineAsync(line => line.Contains("\"status\":\"Connected\"", StringComparison.Ordinal), "the Connected status line", Timeout);
        Assert.True(UnixSignals.Interrupt(process.Id), "uplink exited before it could be interrupted");
        var result = await process.WaitForExitAsync(Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());

        long? sentVideo = null;
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = ParseJsonLine(line, result);
            if (document.RootElement.GetProperty("type").GetString() == "summary")
            {
                sentVideo = document.RootElement.GetProperty("videoFrames").GetInt64();
            }
        }

        Assert.True(sentVideo.HasValue, $"no summary line after Ctrl-C.\n{result.Describe()}");
        var recording = await fixture.Peer.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        // Packets, not decoded frames: a recording cut after I,P decodes as [I,P] while the source shows [I,B,B,P].
        var source = await FrameHashes.ComputeAsync(clip, MediaKind.Video, HashMode.Packets);
        var recorded = await FrameHashes.ComputeAsync(recording, MediaKind.Video, HashMode.Packets);
        Assert.True(recorded.Count < source.Count, $"recorded {recorded.Count} of {source.Count} frames: the interrupt should have stopped it part way");
        Assert.Equal(source.Take(recorded.Count).Select(h => h.Md5), recorded.Select(h => h.Md5));
        Assert.Equal(sentVideo.Value, recorded.Count);
    }

    /// <summary>The Flash Player 9 handshake and extra connect arguments, as FFmpeg sends them, are accepted by nginx-rtmp.</summary>
    [Fact]
    public async Task The_digest_handshake_and_extra_connect_arguments_publish_frame_identical()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);
        var stream = StreamNames.Next("digest");
        var result = await UplinkCli.RunAsync(["publish", clip, fixture.Peer.PublishUrl(stream), "--no-realtime", "--digest-handshake", "--flashver", "FMLE/3.0 (compatible; test)", "--connect-arg", "fpad=false", "--connect-arg", "note=hello"], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        var recording = await fixture.Peer.WaitForRecordingAsync(stream, TimeSpan.FromSeconds(10));
        await RecordingComparison.AssertSameFramesAsync(clip, recording, "uplink --digest-handshake → nginx-rtmp");
    }

    /// <summary>The connection test: connect (and with --publish, publish and unpublish) without media, exit 0 or 3.</summary>
    [Fact]
    public async Task Check_connects_reports_the_server_and_exits_0_or_3()
    {
        var plain = await UplinkCli.RunAsync(["check", fixture.Peer.PublishUrl(StreamNames.Next("check"))], Timeout);
        Assert.True(!plain.TimedOut && plain.ExitCode == 0, plain.Describe());
        Assert.Contains("server FMS/", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("round trip", plain.StandardOutput, StringComparison.Ordinal);

        var published = await UplinkCli.RunAsync(["check", fixture.Peer.PublishUrl(StreamNames.Next("check")), "--publish", "--json"], Timeout);
        Assert.True(!published.TimedOut && published.ExitCode == 0, published.Describe());
        using var document = ParseJsonLine(published.StandardOutput.Trim(), published);
        Assert.True(document.RootElement.GetProperty("published").GetBoolean());
        Assert.True(document.RootElement.GetProperty("roundTripMilliseconds").GetDouble() > 0);

        var closed = await UplinkCli.RunAsync(["check", $"rtmp://127.0.0.1:{FreePort.Next()}/live/x"], Timeout);
        AssertFailedWith(closed, 3);
    }

    private static JsonDocument ParseJsonLine(string line, ProcessResult result)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            Assert.Fail($"--json stdout line is not JSON ({ex.Message}): {line}\n{result.Describe()}");
            throw;
        }
    }

    private static void AssertFailedWith(ProcessResult result, int exitCode)
    {
        Assert.False(result.TimedOut, result.Describe());
        Assert.True(result.ExitCode == exitCode, $"expected exit code {exitCode}.\n{result.Describe()}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected exactly one error line on stderr, got {lines.Length}.\n{result.Describe()}");
    }
}
