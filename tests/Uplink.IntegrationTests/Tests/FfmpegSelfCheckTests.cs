using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary>
/// Proves the harness: FFmpeg (the reference publisher) publishes every clip case to the peer and the
/// recording hashes equal to the source. When these fail, the peer or the oracle is broken, not Uplink.
/// </summary>
public abstract class FfmpegSelfCheckTests(IRtmpPeer peer)
{
    /// <summary>The clip cases.</summary>
    public static TheoryData<string> ClipCaseNames => ClipCases.Names;

    /// <summary>ffmpeg -c copy -f flv publishes the clip; the peer's recording has the same frames.</summary>
    [Theory]
    [MemberData(nameof(ClipCaseNames))]
    public Task Ffmpeg_publish_is_recorded_with_identical_frames(string clipCase) =>
        PeerRoundTrip.AssertRecordedAsync(peer, "ffmpeg", clipCase, (clip, url) => FfmpegPublisher.PublishAsync(clip, url, PeerRoundTrip.PublishTimeout));
}
