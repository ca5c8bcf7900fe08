using Uplink.Media;

namespace Uplink.Tests.Readers;

public class Timestamp32UnwrapperTests
{
    [Fact]
    public void A_drop_of_more_than_half_the_range_is_a_wrap_forward()
    {
        var unwrapper = new Timestamp32Unwrapper();
        Assert.Equal(0xFFFF_FFF0L, unwrapper.Unwrap(0xFFFF_FFF0));
        Assert.Equal((1L << 32) + 0x10, unwrapper.Unwrap(0x10));
        Assert.Equal((1L << 32) + 0x20, unwrapper.Unwrap(0x20));
    }

    [Fact]
    public void A_late_timestamp_from_before_the_wrap_stays_in_the_previous_epoch()
    {
        var unwrapper = new Timestamp32Unwrapper();
        unwrapper.Unwrap(0xFFFF_FFF0);
        unwrapper.Unwrap(0x10);
        Assert.Equal(0xFFFF_FFF8L, unwrapper.Unwrap(0xFFFF_FFF8));
        Assert.Equal((1L << 32) + 0x30, unwrapper.Unwrap(0x30));
    }

    [Fact]
    public void Small_steps_backwards_and_big_jumps_forward_from_zero_pass_through()
    {
        var unwrapper = new Timestamp32Unwrapper();
        Assert.Equal(1000, unwrapper.Unwrap(1000));
        Assert.Equal(960, unwrapper.Unwrap(960));
        Assert.Equal(0xF000_0000L, unwrapper.Unwrap(0xF000_0000));
    }
}
