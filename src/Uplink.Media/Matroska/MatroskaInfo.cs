namespace Uplink.Media.Matroska;

/// <summary>What the reader takes from the segment's Info element: the timestamp unit and the duration.</summary>
/// <param name="TimestampScale">Nanoseconds per timestamp unit (default 1,000,000: milliseconds).</param>
/// <param name="Duration">The segment's duration, when declared (a live or unfinished recording has none).</param>
internal sealed record MatroskaInfo(ulong TimestampScale, TimeSpan? Duration)
{
    /// <summary>The default TimestampScale: timestamps in milliseconds.</summary>
    public const ulong DefaultTimestampScale = 1_000_000;

    /// <summary>Info as it is when the element is absent.</summary>
    public static readonly MatroskaInfo Default = new(DefaultTimestampScale, null);

    /// <summary>Parses the Info element's data at <paramref name="offset"/>.</summary>
    /// <exception cref="InvalidDataException">TimestampScale is 0.</exception>
    public static MatroskaInfo Parse(ReadOnlySpan<byte> data, long offset)
    {
        ulong scale = DefaultTimestampScale;
        double duration = double.NaN;
        var children = new EbmlChildren(data, offset, "Info element");
        while (children.MoveNext(out uint id, out ReadOnlySpan<byte> payload, out long at))
        {
            switch (id)
            {
                case MatroskaIds.TimestampScale:
                    scale = Ebml.ReadUnsigned(payload);
                    if (scale == 0)
                    {
                        throw MatroskaErrors.Invalid($"the TimestampScale at offset {at} is 0");
                    }

                    break;
                case MatroskaIds.Duration:
                    duration = Ebml.ReadFloat(payload);
                    break;
            }
        }

        // Duration counts TimestampScale units; anything not positive and finite (or beyond TimeSpan) is no duration.
        double ticks = duration * scale / 100;
        TimeSpan? total = ticks is > 0 and < long.MaxValue / 2 ? TimeSpan.FromTicks((long)ticks) : null;
        return new MatroskaInfo(scale, total);
    }
}
