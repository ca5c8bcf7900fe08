using System.Globalization;

namespace Uplink.Codecs.Av1;

/// <summary>
/// An AV1 sequence header OBU (AV1 specification 5.5, semantics 6.4): profile, level and tier, timing, picture size
/// limits, colour, and the fields a frame header's parsing depends on.
/// </summary>
internal sealed class Av1SequenceHeader
{
    /// <summary>SELECT_SCREEN_CONTENT_TOOLS and SELECT_INTEGER_MV: the frame header chooses.</summary>
    public const int Select = 2;

    /// <summary>The largest sequence header payload accepted; real ones are a dozen bytes or so.</summary>
    public const int MaxSize = 4096;

    private Av1SequenceHeader()
    {
    }

    /// <summary>seq_profile: 0 Main, 1 High, 2 Professional.</summary>
    public int SeqProfile { get; private init; }

    /// <summary>still_picture.</summary>
    public bool StillPicture { get; private init; }

    /// <summary>reduced_still_picture_header: a single key frame stream with most fields left out.</summary>
    public bool ReducedStillPictureHeader { get; private init; }

    /// <summary>timing_info_present_flag.</summary>
    public bool TimingInfoPresent { get; private init; }

    /// <summary>num_units_in_display_tick (0 without timing info).</summary>
    public uint NumUnitsInDisplayTick { get; private init; }

    /// <summary>time_scale (0 without timing info).</summary>
    public uint TimeScale { get; private init; }

    /// <summary>equal_picture_interval: every picture lasts <see cref="NumTicksPerPicture"/> ticks.</summary>
    public bool EqualPictureInterval { get; private init; }

    /// <summary>num_ticks_per_picture_minus_1 + 1 when <see cref="EqualPictureInterval"/>, else 0.</summary>
    public ulong NumTicksPerPicture { get; private init; }

    /// <summary>decoder_model_info_present_flag.</summary>
    public bool DecoderModelInfoPresent { get; private init; }

    /// <summary>buffer_delay_length_minus_1 + 1: the width of decoder_buffer_delay and encoder_buffer_delay.</summary>
    public int BufferDelayLength { get; private init; }

    /// <summary>num_units_in_decoding_tick.</summary>
    public uint NumUnitsInDecodingTick { get; private init; }

    /// <summary>buffer_removal_time_length_minus_1 + 1: the width of a frame header's buffer_removal_time.</summary>
    public int BufferRemovalTimeLength { get; private init; }

    /// <summary>frame_presentation_time_length_minus_1 + 1: the width of a frame header's frame_presentation_time.</summary>
    public int FramePresentationTimeLength { get; private init; }

    /// <summary>initial_display_delay_present_flag.</summary>
    public bool InitialDisplayDelayPresent { get; private init; }

    /// <summary>operating_point_idc of each operating point (bit i: temporal layer i; bit 8 + j: spatial layer j).</summary>
    public IReadOnlyList<int> OperatingPointIdc { get; private init; } = [];

    /// <summary>seq_level_idx of each operating point (0 is level 2.0, 31 means no level constraints).</summary>
    public IReadOnlyList<int> SeqLevelIdxs { get; private init; } = [];

    /// <summary>seq_tier of each operating point (0 Main, 1 High).</summary>
    public IReadOnlyList<int> SeqTiers { get; private init; } = [];

    /// <summary>decoder_model_present_for_this_op of each operating point.</summary>
    public IReadOnlyList<bool> DecoderModelPresentForOp { get; private init; } = [];

    /// <summary>initial_display_delay_minus_1 + 1 of operating point 0, or null when not coded.</summary>
    public int? InitialDisplayDelay { get; private init; }

    /// <summary>seq_level_idx[0].</summary>
    public int SeqLevelIdx => SeqLevelIdxs[0];

    /// <summary>seq_tier[0].</summary>
    public int SeqTier => SeqTiers[0];

    /// <summary>frame_width_bits_minus_1 + 1.</summary>
    public int FrameWidthBits { get; private init; }

    /// <summary>frame_height_bits_minus_1 + 1.</summary>
    public int FrameHeightBits { get; private init; }

    /// <summary>max_frame_width_minus_1 + 1.</summary>
    public int MaxFrameWidth { get; private init; }

    /// <summary>max_frame_height_minus_1 + 1.</summary>
    public int MaxFrameHeight { get; private init; }

    /// <summary>frame_id_numbers_present_flag.</summary>
    public bool FrameIdNumbersPresent { get; private init; }

    /// <summary>delta_frame_id_length_minus_2 + 2 (0 without frame ids).</summary>
    public int DeltaFrameIdLength { get; private init; }

    /// <summary>additional_frame_id_length_minus_1 + 1 (0 without frame ids).</summary>
    public int AdditionalFrameIdLength { get; private init; }

    /// <summary>use_128x128_superblock.</summary>
    public bool Use128x128Superblock { get; private init; }

    /// <summary>enable_order_hint.</summary>
    public bool EnableOrderHint { get; private init; }

    /// <summary>OrderHintBits: the width of a frame header's order_hint (0 without order hints).</summary>
    public int OrderHintBits { get; private init; }

    /// <summary>seq_force_screen_content_tools: 0, 1, or <see cref="Select"/>.</summary>
    public int SeqForceScreenContentTools { get; private init; }

    /// <summary>seq_force_integer_mv: 0, 1, or <see cref="Select"/>.</summary>
    public int SeqForceIntegerMv { get; private init; }

    /// <summary>enable_superres.</summary>
    public bool EnableSuperres { get; private init; }

    /// <summary>color_config().</summary>
    public Av1ColorConfig ColorConfig { get; private init; } = null!;

    /// <summary>film_grain_params_present.</summary>
    public bool FilmGrainParamsPresent { get; private init; }

    /// <summary>BitDepth (8, 10 or 12).</summary>
    public int BitDepth => ColorConfig.BitDepth;

    /// <summary>The profile as ffprobe names it: "Main", "High" or "Professional".</summary>
    public string ProfileName => SeqProfile switch
    {
        0 => "Main",
        1 => "High",
        _ => "Professional",
    };

    /// <summary>The level of operating point 0 as AV1 names it ("2.0", "5.1"), or "31" (no constraints).</summary>
    public string LevelName => SeqLevelIdx == 31
        ? "31"
        : string.Create(CultureInfo.InvariantCulture, $"{2 + (SeqLevelIdx >> 2)}.{SeqLevelIdx & 3}");

    /// <summary>
    /// Pictures per second from the timing info when every picture lasts the same number of ticks
    /// (time_scale / (num_units_in_display_tick × num_ticks_per_picture)), else null.
    /// </summary>
    public double? FrameRate =>
        TimingInfoPresent && EqualPictureInterval && NumUnitsInDisplayTick != 0 && TimeScale != 0
            ? TimeScale / ((double)NumUnitsInDisplayTick * NumTicksPerPicture)
            : null;

    /// <summary>
    /// Display clock ticks per second from the timing info (time_scale / num_units_in_display_tick), else null. With
    /// <see cref="EqualPictureInterval"/> unset, frames give their presentation times in these ticks.
    /// </summary>
    public double? DisplayTickRate =>
        TimingInfoPresent && NumUnitsInDisplayTick != 0 ? TimeScale / (double)NumUnitsInDisplayTick : null;

    /// <summary>Parses a sequence header OBU's payload (after the OBU header and size).</summary>
    /// <exception cref="InvalidDataException">The payload is not a well-formed sequence header.</exception>
    public static Av1SequenceHeader Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            throw new InvalidDataException("AV1 sequence header is empty");
        }

        if (payload.Length > MaxSize)
        {
            throw new InvalidDataException($"AV1 sequence header is {payload.Length} bytes; refusing more than {MaxSize}");
        }

        var reader = new BitstreamReader(payload, "AV1 sequence header");
        int profile = (int)reader.ReadBits(3);
        if (profile > 2)
        {
            throw new InvalidDataException($"AV1 sequence header seq_profile at bit 0 is {profile}, a reserved value");
        }

        bool stillPicture = reader.ReadBit();
        bool reduced = reader.ReadBit();
        var timing = default(TimingInfo);
        bool initialDisplayDelayPresent = false;
        int[] idcs, levels, tiers;
        bool[] decoderModelPresent;
        int? initialDisplayDelay = null;
        if (reduced)
        {
            if (!stillPicture)
            {
                throw new InvalidDataException("AV1 sequence header has reduced_still_picture_header without still_picture");
            }

            idcs = [0];
            levels = [(int)reader.ReadBits(5)];
            tiers = [0];
            decoderModelPresent = [false];
        }
        else
        {
            timing = TimingInfo.Read(ref reader);
            initialDisplayDelayPresent = reader.ReadBit();
            int count = (int)reader.ReadBits(5) + 1;
            idcs = new int[count];
            levels = new int[count];
            tiers = new int[count];
            decoderModelPresent = new bool[count];
            for (int i = 0; i < count; i++)
            {
                idcs[i] = (int)reader.ReadBits(12);
                levels[i] = (int)reader.ReadBits(5);
                tiers[i] = levels[i] > 7 && reader.ReadBit() ? 1 : 0;
                if (timing.DecoderModelInfoPresent && reader.ReadBit())
                {
                    decoderModelPresent[i] = true;
                    reader.SkipBits((2 * timing.BufferDelayLength) + 1); // decoder_buffer_delay, encoder_buffer_delay, low_delay_mode_flag
                }

                if (initialDisplayDelayPresent && reader.ReadBit())
                {
                    int delay = (int)reader.ReadBits(4) + 1;
                    if (i == 0)
                    {
                        initialDisplayDelay = delay;
                    }
                }
            }
        }

        int widthBits = (int)reader.ReadBits(4) + 1;
        int heightBits = (int)reader.ReadBits(4) + 1;
        int maxWidth = (int)reader.ReadBits(widthBits) + 1;
        int maxHeight = (int)reader.ReadBits(heightBits) + 1;
        bool frameIds = !reduced && reader.ReadBit();
        int deltaFrameIdLength = 0, additionalFrameIdLength = 0;
        if (frameIds)
        {
            deltaFrameIdLength = (int)reader.ReadBits(4) + 2;
            additionalFrameIdLength = (int)reader.ReadBits(3) + 1;
        }

        bool use128 = reader.ReadBit();
        reader.SkipBits(2); // enable_filter_intra, enable_intra_edge_filter
        bool enableOrderHint = false;
        int orderHintBits = 0;
        int forceScreenContentTools = Select;
        int forceIntegerMv = Select;
        if (!reduced)
        {
            reader.SkipBits(4); // enable_interintra_compound, enable_masked_compound, enable_warped_motion, enable_dual_filter
            enableOrderHint = reader.ReadBit();
            if (enableOrderHint)
            {
                reader.SkipBits(2); // enable_jnt_comp, enable_ref_frame_mvs
            }

            forceScreenContentTools = reader.ReadBit() ? Select : (int)reader.ReadBits(1); // seq_choose_screen_content_tools
            if (forceScreenContentTools > 0)
            {
                forceIntegerMv = reader.ReadBit() ? Select : (int)reader.ReadBits(1); // seq_choose_integer_mv
            }

            if (enableOrderHint)
            {
                orderHintBits = (int)reader.ReadBits(3) + 1;
            }
        }

        bool superres = reader.ReadBit();
        reader.SkipBits(2); // enable_cdef, enable_restoration
        Av1ColorConfig color = Av1ColorConfig.Read(ref reader, profile);
        bool filmGrain = reader.ReadBit();
        CheckTrailingBits(ref reader, payload.Length);

        return new Av1SequenceHeader
        {
            SeqProfile = profile,
            StillPicture = stillPicture,
            ReducedStillPictureHeader = reduced,
            TimingInfoPresent = timing.Present,
            NumUnitsInDisplayTick = timing.NumUnitsInDisplayTick,
            TimeScale = timing.TimeScale,
            EqualPictureInterval = timing.EqualPictureInterval,
            NumTicksPerPicture = timing.NumTicksPerPicture,
            DecoderModelInfoPresent = timing.DecoderModelInfoPresent,
            BufferDelayLength = timing.BufferDelayLength,
            NumUnitsInDecodingTick = timing.NumUnitsInDecodingTick,
            BufferRemovalTimeLength = timing.BufferRemovalTimeLength,
            FramePresentationTimeLength = timing.FramePresentationTimeLength,
            InitialDisplayDelayPresent = initialDisplayDelayPresent,
            OperatingPointIdc = idcs,
            SeqLevelIdxs = levels,
            SeqTiers = tiers,
            DecoderModelPresentForOp = decoderModelPresent,
            InitialDisplayDelay = initialDisplayDelay,
            FrameWidthBits = widthBits,
            FrameHeightBits = heightBits,
            MaxFrameWidth = maxWidth,
            MaxFrameHeight = maxHeight,
            FrameIdNumbersPresent = frameIds,
            DeltaFrameIdLength = deltaFrameIdLength,
            AdditionalFrameIdLength = additionalFrameIdLength,
            Use128x128Superblock = use128,
            EnableOrderHint = enableOrderHint,
            OrderHintBits = orderHintBits,
            SeqForceScreenContentTools = forceScreenContentTools,
            SeqForceIntegerMv = forceIntegerMv,
            EnableSuperres = superres,
            ColorConfig = color,
            FilmGrainParamsPresent = filmGrain,
        };
    }

    /// <summary>
    /// trailing_bits(): a one bit, then zeros to the end of the payload. Checking them catches a header misread (or
    /// cut) as something that happens to parse.
    /// </summary>
    private static void CheckTrailingBits(ref BitstreamReader reader, int length)
    {
        int at = reader.BitPosition;
        if (reader.BitsLeft == 0 || !reader.ReadBit())
        {
            throw new InvalidDataException($"AV1 sequence header of {length} bytes has no trailing one bit at bit {at}");
        }

        while (reader.BitsLeft > 0)
        {
            int bits = Math.Min(reader.BitsLeft, 32);
            if (reader.ReadBits(bits) != 0)
            {
                throw new InvalidDataException($"AV1 sequence header of {length} bytes has data after its trailing bits at bit {at}");
            }
        }
    }

    /// <summary>timing_info() and decoder_model_info() (AV1 specification 5.5.3, 5.5.4).</summary>
    private readonly record struct TimingInfo(
        bool Present,
        uint NumUnitsInDisplayTick,
        uint TimeScale,
        bool EqualPictureInterval,
        ulong NumTicksPerPicture,
        bool DecoderModelInfoPresent,
        int BufferDelayLength,
        uint NumUnitsInDecodingTick,
        int BufferRemovalTimeLength,
        int FramePresentationTimeLength)
    {
        public static TimingInfo Read(ref BitstreamReader reader)
        {
            if (!reader.ReadBit())
            {
                return default;
            }

            uint unitsInTick = reader.ReadBits(32);
            uint timeScale = reader.ReadBits(32);
            bool equal = reader.ReadBit();
            ulong ticksPerPicture = equal ? ReadUvlc(ref reader) + 1UL : 0;
            if (!reader.ReadBit())
            {
                return new TimingInfo(true, unitsInTick, timeScale, equal, ticksPerPicture, false, 0, 0, 0, 0);
            }

            int bufferDelayLength = (int)reader.ReadBits(5) + 1;
            uint unitsInDecodingTick = reader.ReadBits(32);
            int removalLength = (int)reader.ReadBits(5) + 1;
            int presentationLength = (int)reader.ReadBits(5) + 1;
            return new TimingInfo(
                true, unitsInTick, timeScale, equal, ticksPerPicture, true, bufferDelayLength, unitsInDecodingTick,
                removalLength, presentationLength);
        }

        /// <summary>uvlc() (AV1 specification 4.10.3): 32 or more leading zeros mean 2^32 - 1.</summary>
        private static uint ReadUvlc(ref BitstreamReader reader)
        {
            int leadingZeros = 0;
            while (!reader.ReadBit())
            {
                leadingZeros++;
            }

            if (leadingZeros >= 32)
            {
                return uint.MaxValue;
            }

            return reader.ReadBits(leadingZeros) + (uint)((1UL << leadingZeros) - 1);
        }
    }
}
