namespace Uplink.Codecs.Vp9;

/// <summary>
/// The start of a VP9 uncompressed header (VP9 bitstream specification 6.2), read as far as a muxer needs: profile,
/// frame type and visibility, and for key frames and intra-only frames the colour configuration and frame size, and
/// refresh_frame_flags. Checks what libvpx checks there (frame marker, sync code, reserved bits).
/// </summary>
internal readonly struct Vp9FrameHeader
{
    private const uint SyncCode = 0x498342;

    /// <summary>Profile: 0 (8-bit 4:2:0), 1 (8-bit 4:2:2, 4:4:0, 4:4:4), 2 (10/12-bit 4:2:0), 3 (10/12-bit other).</summary>
    public int Profile { get; private init; }

    /// <summary>show_existing_frame: the frame only shows the frame in slot <see cref="FrameToShowMapIdx"/>.</summary>
    public bool ShowExistingFrame { get; private init; }

    /// <summary>frame_to_show_map_idx when <see cref="ShowExistingFrame"/>.</summary>
    public int FrameToShowMapIdx { get; private init; }

    /// <summary>frame_type is KEY_FRAME (0): the frame resets every reference slot.</summary>
    public bool IsKeyFrame { get; private init; }

    /// <summary>show_frame (true for a shown existing frame).</summary>
    public bool ShowFrame { get; private init; }

    /// <summary>error_resilient_mode.</summary>
    public bool ErrorResilientMode { get; private init; }

    /// <summary>intra_only: a hidden frame coded without reference to others that does not reset the slots.</summary>
    public bool IntraOnly { get; private init; }

    /// <summary>reset_frame_context (non-key frames without error resilience; 0 otherwise).</summary>
    public int ResetFrameContext { get; private init; }

    /// <summary>True when the header coded color_config() (key frames; intra-only frames above profile 0).</summary>
    public bool HasColorConfig { get; private init; }

    /// <summary>BitDepth: 8, 10 or 12 (8 when <see cref="HasColorConfig"/> is false).</summary>
    public int BitDepth { get; private init; }

    /// <summary>color_space (<see cref="Vp9ColorSpace.Bt601"/> for a profile 0 intra-only frame, which does not code it).</summary>
    public Vp9ColorSpace ColorSpace { get; private init; }

    /// <summary>color_range: true for full range (always for RGB).</summary>
    public bool FullRange { get; private init; }

    /// <summary>subsampling_x.</summary>
    public bool SubsamplingX { get; private init; }

    /// <summary>subsampling_y.</summary>
    public bool SubsamplingY { get; private init; }

    /// <summary>True when the header coded frame_size() (key frames, intra-only frames).</summary>
    public bool HasFrameSize { get; private init; }

    /// <summary>frame_width_minus_1 + 1, or 0 when not coded.</summary>
    public int Width { get; private init; }

    /// <summary>frame_height_minus_1 + 1, or 0 when not coded.</summary>
    public int Height { get; private init; }

    /// <summary>render_width_minus_1 + 1 (the frame width unless render_and_frame_size_different), or 0.</summary>
    public int RenderWidth { get; private init; }

    /// <summary>render_height_minus_1 + 1, or 0.</summary>
    public int RenderHeight { get; private init; }

    /// <summary>refresh_frame_flags: 0xFF for a key frame, 0 for a shown existing frame.</summary>
    public int RefreshFrameFlags { get; private init; }

    /// <summary>Parses the uncompressed header at the start of one VP9 frame (not a superframe).</summary>
    /// <exception cref="InvalidDataException">The header is malformed or cut short.</exception>
    public static Vp9FrameHeader Parse(ReadOnlySpan<byte> frame)
    {
        var reader = new BitstreamReader(frame, "VP9 frame header");
        uint marker = reader.ReadBits(2);
        if (marker != 2)
        {
            throw new InvalidDataException($"VP9 frame header frame_marker at bit 0 is {marker}, not 2");
        }

        int profile = (int)reader.ReadBits(1);
        profile |= (int)reader.ReadBits(1) << 1;
        if (profile == 3 && reader.ReadBit())
        {
            throw new InvalidDataException("VP9 frame header reserved_zero after profile 3 at bit 4 is set");
        }

        if (reader.ReadBit()) // show_existing_frame
        {
            return new Vp9FrameHeader
            {
                Profile = profile,
                ShowExistingFrame = true,
                FrameToShowMapIdx = (int)reader.ReadBits(3),
                ShowFrame = true,
            };
        }

        bool key = !reader.ReadBit(); // frame_type
        bool show = reader.ReadBit();
        bool errorResilient = reader.ReadBit();
        if (key)
        {
            ReadSyncCode(ref reader);
            ColorConfig color = ReadColorConfig(ref reader, profile);
            (int width, int height, int renderWidth, int renderHeight) = ReadFrameAndRenderSize(ref reader);
            return new Vp9FrameHeader
            {
                Profile = profile,
                IsKeyFrame = true,
                ShowFrame = show,
                ErrorResilientMode = errorResilient,
                HasColorConfig = true,
                BitDepth = color.BitDepth,
                ColorSpace = color.Space,
                FullRange = color.FullRange,
                SubsamplingX = color.SubsamplingX,
                SubsamplingY = color.SubsamplingY,
                HasFrameSize = true,
                Width = width,
                Height = height,
                RenderWidth = renderWidth,
                RenderHeight = renderHeight,
                RefreshFrameFlags = 0xFF,
            };
        }

        bool intraOnly = !show && reader.ReadBit();
        int resetFrameContext = errorResilient ? 0 : (int)reader.ReadBits(2);
        if (!intraOnly)
        {
            return new Vp9FrameHeader
            {
                Profile = profile,
                ShowFrame = show,
                ErrorResilientMode = errorResilient,
                ResetFrameContext = resetFrameContext,
                BitDepth = 8,
                RefreshFrameFlags = (int)reader.ReadBits(8),
            };
        }

        ReadSyncCode(ref reader);

        // A profile 0 intra-only frame codes no colour: 8-bit BT.601 4:2:0, studio range (libvpx's defaults).
        ColorConfig intraColor = profile > 0
            ? ReadColorConfig(ref reader, profile)
            : new ColorConfig(8, Vp9ColorSpace.Bt601, false, true, true);
        int refresh = (int)reader.ReadBits(8);
        (int w, int h, int rw, int rh) = ReadFrameAndRenderSize(ref reader);
        return new Vp9FrameHeader
        {
            Profile = profile,
            ShowFrame = show,
            ErrorResilientMode = errorResilient,
            IntraOnly = true,
            ResetFrameContext = resetFrameContext,
            HasColorConfig = profile > 0,
            BitDepth = intraColor.BitDepth,
            ColorSpace = intraColor.Space,
            FullRange = intraColor.FullRange,
            SubsamplingX = intraColor.SubsamplingX,
            SubsamplingY = intraColor.SubsamplingY,
            HasFrameSize = true,
            Width = w,
            Height = h,
            RenderWidth = rw,
            RenderHeight = rh,
            RefreshFrameFlags = refresh,
        };
    }

    private static void ReadSyncCode(ref BitstreamReader reader)
    {
        int at = reader.BitPosition;
        uint code = reader.ReadBits(24);
        if (code != SyncCode)
        {
            throw new InvalidDataException($"VP9 frame header sync code at bit {at} is 0x{code:X6}, not 0x498342");
        }
    }

    /// <summary>color_config() (VP9 bitstream specification 6.2.2), with libvpx's checks.</summary>
    private static ColorConfig ReadColorConfig(ref BitstreamReader reader, int profile)
    {
        int bitDepth = profile >= 2 ? (reader.ReadBit() ? 12 : 10) : 8;
        int at = reader.BitPosition;
        var space = (Vp9ColorSpace)reader.ReadBits(3);
        bool oddProfile = profile is 1 or 3;
        if (space != Vp9ColorSpace.Rgb)
        {
            bool fullRange = reader.ReadBit();
            if (!oddProfile)
            {
                return new ColorConfig(bitDepth, space, fullRange, true, true);
            }

            bool x = reader.ReadBit(), y = reader.ReadBit();
            if (x && y)
            {
                throw new InvalidDataException($"VP9 frame header at bit {at} codes 4:2:0 in profile {profile}, which is for 4:2:2, 4:4:0 and 4:4:4");
            }

            CheckReservedZero(ref reader);
            return new ColorConfig(bitDepth, space, fullRange, x, y);
        }

        if (!oddProfile)
        {
            throw new InvalidDataException($"VP9 frame header at bit {at} codes RGB in profile {profile}, which is for 4:2:0");
        }

        CheckReservedZero(ref reader);
        return new ColorConfig(bitDepth, space, true, false, false);
    }

    private static void CheckReservedZero(ref BitstreamReader reader)
    {
        int at = reader.BitPosition;
        if (reader.ReadBit())
        {
            throw new InvalidDataException($"VP9 frame header reserved_zero at bit {at} is set");
        }
    }

    /// <summary>frame_size() and render_size().</summary>
    private static (int Width, int Height, int RenderWidth, int RenderHeight) ReadFrameAndRenderSize(ref BitstreamReader reader)
    {
        int width = (int)reader.ReadBits(16) + 1;
        int height = (int)reader.ReadBits(16) + 1;
        if (!reader.ReadBit()) // render_and_frame_size_different
        {
            return (width, height, width, height);
        }

        int renderWidth = (int)reader.ReadBits(16) + 1;
        int renderHeight = (int)reader.ReadBits(16) + 1;
        return (width, height, renderWidth, renderHeight);
    }

    private readonly record struct ColorConfig(int BitDepth, Vp9ColorSpace Space, bool FullRange, bool SubsamplingX, bool SubsamplingY);
}
