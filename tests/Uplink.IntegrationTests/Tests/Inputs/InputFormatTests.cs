using Uplink.IntegrationTests.Fixtures;
using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// <c>uplink publish</c> detects MP4 (moov first or last), MOV, fragmented MP4, MPEG-TS, raw H.264 Annex-B (alone or
/// with <c>--audio</c> ADTS) and ADTS AAC from their content and sends every frame: the nginx-rtmp recording decodes to
/// exactly the frames of the files.
/// </summary>
public sealed class InputFormatTests(NginxRtmpFixture fixture) : IClassFixture<NginxRtmpFixture>
{
    /// <summary>The input cases.</summary>
    public static TheoryData<string> InputCaseNames => InputCases.Names;

    private IRtmpPeer Peer => fixture.Peer;

    /// <summary>Every input format is recorded with identical frames.</summary>
    [Theory]
    [MemberData(nameof(InputCaseNames))]
    public Task Publishing_an_input_is_recorded_with_identical_frames(string inputCase) =>
        InputRoundTrip.AssertPublishedAsync(Peer, inputCase, InputCases.Get(inputCase), []);

    /// <summary>--loop 2 on an MP4 or an MPEG-TS file sends it twice in one publish: the recording holds every frame twice.</summary>
    [Theory]
    [InlineData("mp4_faststart_high_bframes_640x360_48k_stereo")]
    [InlineData("mpegts_high_bframes_642x362_44k1_mono")]
    public Task Publishing_an_input_with_loop_2_records_every_frame_twice(string inputCase) =>
        InputRoundTrip.AssertPublishedAsync(Peer, inputCase, InputCases.Get(inputCase), ["--loop", "2"], repeat: 2);
}
