using Uplink.Flv;
using Uplink.Timecode;

namespace Uplink.Tests.Flv;

public class SmpteTimecodeTests
{
    [Theory]
    [InlineData(25, 0L, "00:00:00:00")]
    [InlineData(25, 40L, "00:00:00:01")]
    [InlineData(25, 1_960L, "00:00:01:24")]
    [InlineData(25, 2_000L, "00:00:02:00")]
    [InlineData(25, 3_723_080L, "01:02:03:02")]
    [InlineData(25, 86_400_000L, "00:00:00:00")] // hours wrap at 24
    [InlineData(29.97, 33L, "00:00:00:01")] // 33.367 ms per frame, rounded to the nearest frame
    [InlineData(29.97, 968L, "00:00:00:29")]
    [InlineData(29.97, 1_001L, "00:00:01:00")] // frame 30: the first of timecode second 1 (non-drop-frame)
    [InlineData(29.97, 60_060L, "00:01:00:00")] // frame 1800
    [InlineData(29.97, 3_600_000L, "00:59:56:12")] // frame 107892: NDF runs 3.6 s an hour behind the clock
    [InlineData(50, 1_020L, "00:00:01:01")]
    public void Counts_frames_at_the_frame_rate_non_drop_frame(double frameRate, long milliseconds, string expected)
    {
        Span<char> text = stackalloc char[16];
        int length = SmpteTimecode.Format(TimeSpan.FromMilliseconds(milliseconds), frameRate, text);
        Assert.Equal(expected, text[..length].ToString());
    }

    [Fact]
    public void A_frame_rate_of_100_or_more_gets_three_frame_digits()
    {
        Span<char> text = stackalloc char[16];
        int length = SmpteTimecode.Format(TimeSpan.FromMilliseconds(1_995), 120, text);
        Assert.Equal("00:00:01:119", text[..length].ToString());
    }
}
