using Uplink.Media;

namespace Uplink.Tests.Readers;

public class TimestampUnwrapperTests
{
    [Fact]
    public void A_drop_of_more_than_half_the_range_is_a_wrap_forward()
    {
        var unwrapper = new TimestampUnwrapper(32);
        Assert.Equal(0xFFFF_FFF0L, unwrapper.Unwrap(0xFFFF_FFF0));
        Assert.Equal((1L << 32) + 0x10, unwrapper.Unwrap(0x10));
        Assert.Equal((1L << 32) + 0x20, unwrapper.Unwrap(0x20));
    }

    [Fact]
    public void A_late_timestamp_from_before_the_wrap_stays_in_the_previous_epoch()
    {
        var unwrapper = new TimestampUnwrapper(32);
        unwrapper.Unwrap(0xFFFF_FFF0);
        unwrapper.Unwrap(0x10);
        Assert.Equal(0xFFFF_FFF8L, unwrapper.Unwrap(0xFFFF_FFF8));
        Assert.Equal((1L << 32) + 0x30, unwrapper.Unwrap(0x30));
    }

    [Fact]
    public void Small_steps_backwards_and_big_jumps_forward_from_zero_pass_through()
    {
        var unwrapper = new TimestampUnwrapper(32);
        Assert.Equal(1000, unwrapper.Unwrap(1000));
        Assert.Equal(960, unwrapper.Unwrap(960));
        Assert.Equal(0xF000_0000L, unwrapper.Unwrap(0xF000_0000));
    }

    [Fact]
    public void Mpeg_33_bit_timestamps_unwrap_at_2_pow_33()
    {
        var unwrapper = new TimestampUnwrapper(33);
        long top = (1L << 33) - 900;
        Assert.Equal(top, unwrapper.Unwrap(top));
        Assert.Equal((1L << 33) + 2700, unwrapper.Unwrap(2700));
        Assert.Equal((1L << 33) + 1800, unwrapper.Unwrap(1800)); // a small step back stays a step back
    }

    [Fact]
    public void Differences_across_the_33_bit_wrap_stay_small_and_signed()
    {
        long top = (1L << 33) - 900;
        Assert.Equal(3600, TimestampUnwrapper.Difference(2700, top, 33));
        Assert.Equal(-3600, TimestampUnwrapper.Difference(top, 2700, 33));
        Assert.Equal(7200, TimestampUnwrapper.Difference(10800, 3600, 33));
    }
}
