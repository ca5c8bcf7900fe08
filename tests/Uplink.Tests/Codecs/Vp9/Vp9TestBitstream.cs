namespace Uplink.Tests.Codecs.Vp9;

/// <summary>Hand-builds VP9 uncompressed headers and superframes for the parser tests.</summary>
internal static class Vp9TestBitstream
{
    /// <summary>A key frame header (then filler bytes standing for the rest of the frame).</summary>
    public static byte[] KeyFrame(
        int profile, int width, int height, int bitDepth = 8, int colorSpace = 2, bool fullRange = false, bool x = true, bool y = true,
        bool show = true, (int Width, int Height)? render = null)
    {
        BitWriter w = Start(profile).Bit(false).Bit(false).Bit(show).Bit(false); // show_existing_frame, frame_type KEY, show_frame, error_resilient_mode
        w.Bits(0x498342, 24);
        ColorConfig(w, profile, bitDepth, colorSpace, fullRange, x, y);
        Size(w, width, height, render);
        return [.. w.ToBytes(), 0xAA, 0x55];
    }

    /// <summary>An inter frame header coding <paramref name="refresh"/> as its refresh_frame_flags.</summary>
    public static byte[] InterFrame(int profile, int refresh, bool show = true, bool errorResilient = false)
    {
        BitWriter w = Start(profile).Bit(false).Bit(true).Bit(show).Bit(errorResilient);
        if (!show)
        {
            w.Bit(false); // intra_only
        }

        if (!errorResilient)
        {
            w.Bits(0, 2); // reset_frame_context
        }

        w.Bits((uint)refresh, 8).Bits(0x123, 12);
        return [.. w.ToBytes(), 0xAA];
    }

    /// <summary>An intra-only frame header (hidden by definition).</summary>
    public static byte[] IntraOnlyFrame(int profile, int refresh, int width, int height, int bitDepth = 8, int colorSpace = 1, bool x = true, bool y = true)
    {
        BitWriter w = Start(profile).Bit(false).Bit(true).Bit(false).Bit(false).Bit(true).Bits(1, 2); // … intra_only, reset_frame_context
        w.Bits(0x498342, 24);
        if (profile > 0)
        {
            ColorConfig(w, profile, bitDepth, colorSpace, false, x, y);
        }

        w.Bits((uint)refresh, 8);
        Size(w, width, height, null);
        return [.. w.ToBytes(), 0xAA];
    }

    public static byte[] ShowExistingFrame(int profile, int slot) => Start(profile).Bit(true).Bits((uint)slot, 3).ToBytes();

    /// <summary>Frames followed by a superframe index with <paramref name="bytesPerSize"/>-byte sizes.</summary>
    public static byte[] Superframe(int bytesPerSize, params byte[][] frames)
    {
        byte marker = (byte)(0xC0 | ((bytesPerSize - 1) << 3) | (frames.Length - 1));
        var data = new List<byte>();
        foreach (byte[] frame in frames)
        {
            data.AddRange(frame);
        }

        data.Add(marker);
        foreach (byte[] frame in frames)
        {
            for (int i = 0; i < bytesPerSize; i++)
            {
                data.Add((byte)(frame.Length >> (8 * i)));
            }
        }

        data.Add(marker);
        return [.. data];
    }

    private static BitWriter Start(int profile)
    {
        var w = new BitWriter().Bits(2, 2).Bits((uint)profile & 1, 1).Bits((uint)profile >> 1, 1);
        if (profile == 3)
        {
            w.Bit(false);
        }

        return w;
    }

    private static void ColorConfig(BitWriter w, int profile, int bitDepth, int colorSpace, bool fullRange, bool x, bool y)
    {
        if (profile >= 2)
        {
            w.Bit(bitDepth == 12);
        }

        w.Bits((uint)colorSpace, 3);
        if (colorSpace != 7)
        {
            w.Bit(fullRange);
            if (profile is 1 or 3)
            {
                w.Bit(x).Bit(y).Bit(false);
            }
        }
        else if (profile is 1 or 3)
        {
            w.Bit(false);
        }
    }

    private static void Size(BitWriter w, int width, int height, (int Width, int Height)? render)
    {
        w.Bits((uint)width - 1, 16).Bits((uint)height - 1, 16).Bit(render is not null);
        if (render is { } r)
        {
            w.Bits((uint)r.Width - 1, 16).Bits((uint)r.Height - 1, 16);
        }
    }
}
