using Uplink.Sending;

namespace Uplink.Tests.Sending;

public class AcknowledgementWindowSizerTests
{
    [Fact]
    public void A_fixed_window_is_announced_as_given_and_never_resized()
    {
        var sizer = new AcknowledgementWindowSizer(2_500_000, knownKilobitsPerSecond: 3000);
        for (int i = 0; i < 300; i++)
        {
            sizer.Observe(100, i * 33, RealTime(i * 33));
        }

        Assert.Equal(2_500_000u, sizer.Current);
        Assert.False(sizer.TryTakeChange(out _));
    }

    [Theory]
    [InlineData(null, AcknowledgementWindowSizer.DefaultInitialWindow)]
    [InlineData(12_000.0, 15_000u)]
    [InlineData(64.0, AcknowledgementWindowSizer.MinWindow)]
    [InlineData(5_000_000.0, AcknowledgementWindowSizer.MaxWindow)]
    public void The_first_window_is_a_hundredth_of_a_second_of_the_known_rate_within_bounds(double? kbps, uint expected)
    {
        Assert.Equal(expected, new AcknowledgementWindowSizer(null, kbps).Current);
    }

    [Fact]
    public void The_window_follows_the_rate_measured_on_media_time_not_on_how_fast_it_is_sent()
    {
        var sizer = new AcknowledgementWindowSizer(null, null);

        // 40 Mbit/s: 5 MB per second of media, 166,666 bytes a frame at 30 fps.
        long ts = 0;
        for (int i = 0; i < 100; i++, ts += 33)
        {
            sizer.Observe(166_666, ts, RealTime(ts));
        }

        Assert.True(sizer.TryTakeChange(out uint window));
        Assert.InRange(window, 48_000u, 52_000u);
        Assert.False(sizer.TryTakeChange(out _));

        // A small change is not worth a message.
        for (int i = 0; i < 100; i++, ts += 33)
        {
            sizer.Observe(125_000, ts, RealTime(ts));
        }

        Assert.False(sizer.TryTakeChange(out _));

        // Down to 4 Mbit/s: a new, smaller window (measured over spans that straddle the change, so roughly), not below the floor.
        for (int i = 0; i < 200; i++, ts += 33)
        {
            sizer.Observe(16_666, ts, RealTime(ts));
        }

        Assert.True(sizer.TryTakeChange(out window));
        Assert.InRange(window, AcknowledgementWindowSizer.MinWindow, 12_000u);
    }

    [Fact]
    public void Pushed_faster_than_real_time_the_window_grows_so_acknowledgements_stay_a_few_hundred_a_second()
    {
        var sizer = new AcknowledgementWindowSizer(null, null);

        // 8 Mbit/s of media sent 100 times faster than real time: 100 MB/s on the wire.
        long ts = 0;
        for (int i = 0; i < 100; i++, ts += 33)
        {
            sizer.Observe(33_333, ts, RealTime(ts / 100));
        }

        Assert.True(sizer.TryTakeChange(out uint window));
        Assert.InRange(window, 450_000u, 550_000u);
    }

    [Fact]
    public void A_timestamp_going_back_starts_the_measurement_again()
    {
        var sizer = new AcknowledgementWindowSizer(null, null);
        sizer.Observe(1_000_000, 10_000, RealTime(10_000));
        sizer.Observe(10, 0, RealTime(10_001));
        sizer.Observe(10, 2_500, RealTime(12_501));
        Assert.True(sizer.TryTakeChange(out uint window));
        Assert.InRange(window, AcknowledgementWindowSizer.MinWindow, 12_000u);
    }

    private static long RealTime(long ms) => ms * System.Diagnostics.Stopwatch.Frequency / 1000;
}
