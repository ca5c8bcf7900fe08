using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using static Uplink.IntegrationTests.Tests.Inputs.MultiTrackClips;

namespace Uplink.IntegrationTests.Tests.Probe;

/// <summary>
/// <c>uplink probe</c> on a file with two video and two audio tracks (FFmpeg 8.1, see MultiTrackClips) lists every track,
/// labelled as the CLI names tracks (<c>v:1</c>, <c>a:0</c>), with the frame count FFmpeg demuxes for it.
/// </summary>
public sealed class MultiTrackProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Probe_lists_every_track_with_its_label_in_text_and_json()
    {
        var file = await MuxAsync("multi_hevc-h264-aac-opus.mkv", Hevc("mkv"), H264("mkv"), AudioOnly("aac", "mkv"), AudioOnly("opus", "mkv"));
        var expected = await Media.FfmpegPackets.ReadAsync(file);
        long[] framesPerStream = [.. Streams(expected).Select(s => (long)expected.Packets.Count(p => p.Stream == s.Stream))];

        var text = await UplinkCli.RunAsync(["probe", file], Timeout);
        Assert.True(!text.TimedOut && text.ExitCode == 0, $"uplink probe failed.\n{text.Describe()}");
        string[] lines = [.. text.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)];
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("v:0 video: HEVC Main ", lines[0], StringComparison.Ordinal);
        Assert.Contains(", 640x360, ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("v:1 video: H.264 ", lines[1], StringComparison.Ordinal);
        Assert.Contains(", 320x180, ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("a:0 audio: AAC LC, 48000 Hz, 2 channels", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("a:1 audio: Opus, 48000 Hz, 2 channels", lines[3], StringComparison.Ordinal);

        var json = await UplinkCli.RunAsync(["probe", file, "--json"], Timeout);
        Assert.True(!json.TimedOut && json.ExitCode == 0, $"uplink probe --json failed.\n{json.Describe()}");
        using var document = JsonDocument.Parse(json.StandardOutput);
        var tracks = document.RootElement.GetProperty("tracks").EnumerateArray().ToList();
        Assert.Equal(["v:0", "v:1", "a:0", "a:1"], tracks.Select(t => t.GetProperty("track").GetString()));
        Assert.Equal(["hevc", "h264", "aac", "opus"], tracks.Select(t => t.GetProperty("codec").GetString()));
        Assert.Equal(framesPerStream, tracks.Select(t => t.GetProperty("frames").GetInt64()));
    }
}
