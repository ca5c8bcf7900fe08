using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// A damaged MPEG-TS (bytes cut out of the middle, or bytes flipped there) is published anyway: exit 0, at least one
/// <c>uplink: warning:</c> line, and a recording that decodes, holding the frames before the damage intact and at most
/// the damaged GOP fewer frames than the source.
/// </summary>
public sealed class DamagedInputTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    /// <summary>3 s, a keyframe every second: 75 video frames, ~141 AAC frames.</summary>
    private static readonly ClipOptions Clip = InputCases.Base with { DurationSeconds = 3, Format = "mpegts" };

    /// <summary>Video frames a recording may lack: the rest of the damaged GOP plus the damaged frames themselves.</summary>
    private static readonly int MaxLostVideoFrames = Clip.GopFrames + 2;

    /// <summary>AAC frames a recording may lack: ffmpeg packs several AAC frames into one PES, and the damage may span two.</summary>
    private const int MaxLostAudioFrames = 30;

    /// <summary>Frames at the start, well before the damage in the middle of the file, that must arrive intact.</summary>
    private const int IntactLeadingFrames = 10;

    /// <summary>The damage is skipped with a warning and the rest of the stream is published.</summary>
    [Theory]
    [InlineData("cut_2000_bytes")]
    [InlineData("flip_1000_bytes")]
    public async Task Publishing_a_damaged_mpegts_warns_and_records_the_rest(string damage)
    {
        var clip = await ClipGenerator.GetAsync(Clip);
        var bytes = await File.ReadAllBytesAsync(clip);
        var middle = bytes.Length / 2;
        byte[] damaged;
        if (damage == "cut_2000_bytes")
        {
            damaged = [.. bytes.AsSpan(0, middle), .. bytes.AsSpan(middle + 2000)];
        }
        else
        {
            // Flipping every bit of 1000 bytes also destroys 5 or 6 sync bytes: damage a reader can see.
            damaged = (byte[])bytes.Clone();
            for (var i = middle; i < middle + 1000; i++)
            {
                damaged[i] ^= 0xFF;
            }
        }

        var input = Path.Combine(Path.GetDirectoryName(clip)!, $"damaged-{damage}-{Guid.NewGuid():N}.ts");
        await File.WriteAllBytesAsync(input, damaged);
        var stream = StreamNames.Next("damaged");
        var result = await UplinkCli.RunAsync(["publish", input, fixture.Peer.PublishUrl(stream), "--no-realtime"], PeerRoundTrip.PublishTimeout);

        Assert.True(!result.TimedOut && result.ExitCode == 0, $"a damaged MPEG-TS ({damage} at byte {middle}) should be published with warnings, exit 0.\n{result.Describe()}");
        Assert.True(CliAssert.Warnings(result).Count > 0, $"no '{CliAssert.WarningPrefix}' line for the damage ({damage} at byte {middle}).\n{result.Describe()}");
        Assert.False(result.StandardError.Contains("   at ", StringComparison.Ordinal), $"stderr holds a stack trace.\n{result.Describe()}");

        var recording = await fixture.Peer.WaitForRecordingAsync(stream, PeerRoundTrip.RecordingTimeout);
        foreach (var kind in new[] { MediaKind.Video, MediaKind.Audio })
        {
            var source = await FrameHashes.ComputeAsync(clip, kind);
            var recorded = await FrameHashes.ComputeAsync(recording, kind);
            var maxLost = kind == MediaKind.Video ? MaxLostVideoFrames : MaxLostAudioFrames;
            var context = $"{kind} of the recording of an MPEG-TS with {damage} at byte {middle}: source {source.Count} frames, recording {recorded.Count}";
            Assert.True(recorded.Count <= source.Count, $"{context}; more frames than the source.\n{result.Describe()}");
            Assert.True(recorded.Count >= source.Count - maxLost, $"{context}; more than {maxLost} frames lost.\n{result.Describe()}");
            var leading = RecordingComparison.Describe($"{kind} (first {IntactLeadingFrames} frames)", [.. source.Take(IntactLeadingFrames)], [.. recorded.Take(IntactLeadingFrames)]);
            Assert.True(leading.Length == 0, $"{context}; the frames before the damage differ:\n{leading}");
        }
    }
}
