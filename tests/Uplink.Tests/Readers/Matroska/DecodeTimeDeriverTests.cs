using Uplink.Media.Matroska;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>The video DTS rule: FFmpeg's reorder queue, with the first frames extrapolated at the frame rate.</summary>
public class DecodeTimeDeriverTests
{
    private static (long[] Dts, long[] Pts, bool[] OnTime) Run(int delay, long frameDuration, params long[] pts)
    {
        var deriver = new DecodeTimeDeriver(delay, frameDuration);
        long[] dts = new long[pts.Length];
        long[] adjusted = new long[pts.Length];
        bool[] onTime = new bool[pts.Length];
        for (int i = 0; i < pts.Length; i++)
        {
            onTime[i] = deriver.Next(pts[i], out dts[i], out adjusted[i]);
        }

        return (dts, adjusted, onTime);
    }

    [Fact]
    public void Without_reordering_DTS_is_PTS()
    {
        (long[] dts, long[] pts, _) = Run(0, 40, 0, 40, 80, 120);
        Assert.Equal(pts, dts);
    }

    [Fact]
    public void One_B_frame_gives_the_encoders_DTS_one_frame_early()
    {
        // I0 P2 B1 P4 B3 in decode order: an encoder with one B-frame writes DTS -1, 0, 1, 2, 3 (frames of 40).
        (long[] dts, _, bool[] onTime) = Run(1, 40, 0, 80, 40, 160, 120);
        Assert.Equal([-40, 0, 40, 80, 120], dts);
        Assert.All(onTime, Assert.True);
    }

    [Fact]
    public void A_B_pyramid_gives_the_encoders_DTS_two_frames_early()
    {
        // I0 P4 B2 b1 b3 P8 B6 b5 b7: x264's pyramid, decode order.
        (long[] dts, _, _) = Run(2, 40, 0, 160, 80, 40, 120, 320, 240, 200, 280);
        Assert.Equal([-80, -40, 0, 40, 80, 120, 160, 200, 240], dts);
    }

    [Fact]
    public void Without_a_frame_duration_the_first_frames_take_the_smallest_pending_PTS()
    {
        (long[] dts, _, _) = Run(2, 0, 100, 220, 140, 180);
        Assert.Equal([100, 100, 100, 140], dts);
    }

    [Fact]
    public void A_delay_larger_than_needed_only_delays_DTS()
    {
        (long[] dts, long[] pts, bool[] onTime) = Run(3, 40, 0, 80, 40, 160, 120, 240, 200);
        Assert.All(onTime, Assert.True);
        Assert.True(dts.Zip(pts).All(pair => pair.First <= pair.Second));
        Assert.True(dts.Zip(dts.Skip(1)).All(pair => pair.First < pair.Second));
    }

    [Fact]
    public void Reordering_deeper_than_the_delay_raises_that_PTS_and_grows_the_delay()
    {
        var deriver = new DecodeTimeDeriver(0, 40);
        Assert.True(deriver.Next(0, out _, out _));
        Assert.True(deriver.Next(80, out long dts, out _));
        Assert.Equal(80, dts);
        Assert.False(deriver.Next(40, out dts, out long pts));
        Assert.Equal((80, 80), (dts, pts));
        Assert.Equal(1, deriver.Delay);
        Assert.True(deriver.Next(160, out dts, out _));
        Assert.True(deriver.Next(120, out long next, out _));
        Assert.True(dts <= next && next <= 120);
    }

    [Fact]
    public void The_delay_is_at_most_16_frames()
    {
        var deriver = new DecodeTimeDeriver(100, 1);
        Assert.Equal(DecodeTimeDeriver.MaxDelay, deriver.Delay);
        for (int i = 0; i < 40; i++)
        {
            deriver.Next(1000 - i, out _, out _); // ever deeper reordering
        }

        Assert.Equal(DecodeTimeDeriver.MaxDelay, deriver.Delay);
    }
}
