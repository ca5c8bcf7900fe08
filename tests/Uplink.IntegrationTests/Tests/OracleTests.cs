using Uplink.IntegrationTests.Media;
using Xunit.Sdk;

namespace Uplink.IntegrationTests.Tests;

/// <summary>The oracle itself must be able to fail: different media are reported with the first difference.</summary>
public sealed class OracleTests
{
    /// <summary>Two clips that differ (stereo 48 kHz vs mono 44.1 kHz audio, same video) fail the comparison on audio only.</summary>
    [Fact]
    public async Task Comparing_different_clips_fails_naming_the_differing_stream()
    {
        var stereo = await ClipGenerator.GetAsync(ClipCases.Get("video_only") with { Audio = true });
        var mono = await ClipGenerator.GetAsync(ClipCases.Get("aac_mono_44k1"));

        var failure = await Assert.ThrowsAsync<FailException>(() => RecordingComparison.AssertSameFramesAsync(stereo, mono, "oracle self-test"));

        Assert.Contains("audio (decoded): source", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("video (decoded)", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A clip compared with itself passes, so equality is not vacuous the other way round either.</summary>
    [Fact]
    public async Task Comparing_a_clip_with_itself_passes_and_hashes_every_frame()
    {
        var clip = await ClipGenerator.GetAsync(ClipCases.Default);

        await RecordingComparison.AssertSameFramesAsync(clip, clip, "oracle self-test");

        Assert.Equal(75, (await FrameHashes.ComputeAsync(clip, MediaKind.Video)).Count);
        Assert.Empty(await FrameHashes.ComputeAsync(await ClipGenerator.GetAsync(ClipCases.Get("audio_only")), MediaKind.Video));
    }

    /// <summary>A recording that lost its last frame is reported with the count and the first missing frame.</summary>
    [Fact]
    public void A_missing_tail_is_reported_with_counts_and_the_first_missing_frame()
    {
        FrameHash[] source = [new(0, 0, 10, "aa"), new(1, 40, 10, "bb"), new(2, 80, 10, "cc")];

        var message = RecordingComparison.Describe("video", source, source[..2]);

        Assert.Contains("source 3 frames, recording 2 frames", message, StringComparison.Ordinal);
        Assert.Contains("lacks source #2 pts 80", message, StringComparison.Ordinal);
    }

    /// <summary>A changed frame is reported at its index with both sides' pts and md5.</summary>
    [Fact]
    public void A_changed_frame_is_reported_at_its_index()
    {
        FrameHash[] source = [new(0, 0, 10, "aa"), new(1, 40, 10, "bb")];
        FrameHash[] recording = [new(0, 1, 10, "aa"), new(1, 41, 10, "xx")];

        var message = RecordingComparison.Describe("video", source, recording);

        Assert.Contains("first at index 1: source #1 pts 40 size 10 md5 bb vs recording #1 pts 41 size 10 md5 xx", message, StringComparison.Ordinal);
    }

    /// <summary>framemd5 lines parse into index, pts, size, md5 and dts; comments are skipped.</summary>
    [Fact]
    public void Framemd5_text_is_parsed()
    {
        var hashes = FrameHashes.Parse("#format: frame checksums\n#stream#, dts, pts, duration, size, hash\n0,          2,          3,        1,   345600, a4db8a0fc42e9d533134e7c4c1938f91\n");

        Assert.Equal([new FrameHash(0, 3, 345600, "a4db8a0fc42e9d533134e7c4c1938f91") { Dts = 2 }], hashes);
    }

    /// <summary>Packet side data after the md5 (new extradata on a repeated sequence header) does not change the frame's hash.</summary>
    [Fact]
    public void Framemd5_side_data_is_ignored()
    {
        var hashes = FrameHashes.Parse("0,          0,          0,       21,      197, 21de13343e0a7f1ffb1de17b042e4c5e, S=1,        5, 30c94958c15526da3c8d96f525ca2a59\n");

        Assert.Equal([new FrameHash(0, 0, 197, "21de13343e0a7f1ffb1de17b042e4c5e")], hashes);
    }
}
