using System.Globalization;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests;

/// <summary><c>uplink publish CLIP URL --no-realtime</c> to a real peer: the recording must hold exactly the clip's frames.</summary>
public abstract class UplinkPublishTests(IRtmpPeer peer)
{
    /// <summary>The clip cases.</summary>
    public static TheoryData<string> ClipCaseNames => ClipCases.Names;

    /// <summary>Every clip case is recorded with identical frames.</summary>
    [Theory]
    [MemberData(nameof(ClipCaseNames))]
    public Task Uplink_publish_is_recorded_with_identical_frames(string clipCase) =>
        PeerRoundTrip.AssertRecordedAsync(peer, "uplink", clipCase, (clip, url) =>
            UplinkCli.RunAsync(["publish", clip, url, "--no-realtime"], PeerRoundTrip.PublishTimeout));

    /// <summary>Any chunk size the client picks (128: many continuation chunks; 65536: most frames in one chunk) gives the same recording.</summary>
    [Theory]
    [InlineData(128)]
    [InlineData(65536)]
    public Task Uplink_publish_with_chunk_size_is_recorded_with_identical_frames(int chunkSize) =>
        PeerRoundTrip.AssertRecordedAsync(peer, $"uplink --chunk-size {chunkSize}", "high_bframes_aac_stereo_48k", (clip, url) =>
            UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--chunk-size", chunkSize.ToString(CultureInfo.InvariantCulture)], PeerRoundTrip.PublishTimeout));

    /// <summary>--loop 2 sends the clip twice in one publish: the recording holds every frame twice.</summary>
    [Fact]
    public Task Uplink_publish_with_loop_2_records_every_frame_twice() =>
        PeerRoundTrip.AssertRecordedAsync(peer, "uplink --loop 2", "high_bframes_aac_stereo_48k", (clip, url) =>
            UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--loop", "2"], PeerRoundTrip.PublishTimeout), repeat: 2);

    /// <summary>With an output buffer a send loop owns the socket (writes only queue; small socket writes here): same recording.</summary>
    [Fact]
    public Task Uplink_publish_through_the_send_loop_is_recorded_with_identical_frames() =>
        PeerRoundTrip.AssertRecordedAsync(peer, "uplink --buffer-size 262144 --packet-size 8192", "high_bframes_aac_stereo_48k", (clip, url) =>
            UplinkCli.RunAsync(["publish", clip, url, "--no-realtime", "--buffer-size", "262144", "--packet-size", "8192"], PeerRoundTrip.PublishTimeout));

    /// <summary>Live mode at the clip's own pace on a healthy link drops nothing: same recording.</summary>
    [Fact]
    public Task Uplink_publish_in_live_mode_in_real_time_is_recorded_with_identical_frames() =>
        PeerRoundTrip.AssertRecordedAsync(peer, "uplink --live", "high_bframes_aac_stereo_48k", (clip, url) =>
            UplinkCli.RunAsync(["publish", clip, url, "--live"], PeerRoundTrip.PublishTimeout));
}
