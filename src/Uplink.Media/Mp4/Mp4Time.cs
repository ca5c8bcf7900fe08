namespace Uplink.Media.Mp4;

/// <summary>Converts track times to <see cref="TimeSpan"/> exactly (rounding toward negative infinity).</summary>
internal static class Mp4Time
{
    /// <summary>Below this magnitude, value × 10^7 fits in a long.</summary>
    private const long SmallValueLimit = long.MaxValue / TimeSpan.TicksPerSecond;

    /// <summary>Converts <paramref name="value"/> units of 1/<paramref name="timescale"/> s to a TimeSpan.</summary>
    /// <exception cref="InvalidDataException">The time is beyond what a TimeSpan holds.</exception>
    public static TimeSpan ToTimeSpan(long value, uint timescale)
    {
        if (value is > -SmallValueLimit and < SmallValueLimit)
        {
            long ticks = value * TimeSpan.TicksPerSecond;
            long quotient = ticks / timescale;
            if (ticks % timescale < 0)
            {
                quotient--;
            }

            return TimeSpan.FromTicks(quotient);
        }

        return ToTimeSpanOrNull(value, timescale) ?? throw Mp4Errors.Invalid($"time {value} in timescale {timescale} is beyond the range of a timestamp");
    }

    /// <summary>Like <see cref="ToTimeSpan"/>, but null when the time does not fit.</summary>
    public static TimeSpan? ToTimeSpanOrNull(long value, uint timescale)
    {
        Int128 ticks = (Int128)value * TimeSpan.TicksPerSecond;
        Int128 quotient = ticks / timescale;
        if (ticks % timescale < 0)
        {
            quotient--;
        }

        return quotient > TimeSpan.MaxValue.Ticks || quotient < TimeSpan.MinValue.Ticks ? null : TimeSpan.FromTicks((long)quotient);
    }
}
