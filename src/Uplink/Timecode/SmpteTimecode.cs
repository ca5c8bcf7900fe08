namespace Uplink.Timecode;

/// <summary>SMPTE timecode <c>HH:MM:SS:FF</c>, non-drop-frame, from a time and a frame rate.</summary>
internal static class SmpteTimecode
{
    /// <summary>The length of <c>HH:MM:SS:FF</c> when the frame rate has fewer than 100 frames per second.</summary>
    public const int Length = 11;

    /// <summary>
    /// Writes the timecode of the frame at <paramref name="time"/> (rounded to the nearest frame) into
    /// <paramref name="destination"/>: frames are counted at <paramref name="frameRate"/> and numbered 0 to
    /// round(frameRate) − 1 within each timecode second (non-drop-frame); hours wrap at 24.
    /// </summary>
    /// <returns>The number of characters written.</returns>
    public static int Format(TimeSpan time, double frameRate, Span<char> destination)
    {
        long frames = (long)Math.Round(Math.Max(0, time.Ticks) * frameRate / TimeSpan.TicksPerSecond);
        long nominal = Math.Max(1, (long)Math.Round(frameRate));
        long seconds = frames / nominal;
        int at = 0;
        Two(destination, ref at, seconds / 3600 % 24);
        destination[at++] = ':';
        Two(destination, ref at, seconds / 60 % 60);
        destination[at++] = ':';
        Two(destination, ref at, seconds % 60);
        destination[at++] = ':';
        long ff = frames % nominal;
        if (ff >= 100)
        {
            destination[at++] = (char)('0' + (ff / 100));
        }

        Two(destination, ref at, ff % 100);
        return at;
    }

    private static void Two(Span<char> destination, ref int at, long value)
    {
        destination[at++] = (char)('0' + (value / 10));
        destination[at++] = (char)('0' + (value % 10));
    }
}
