namespace Uplink.Codecs.Av1;

/// <summary>
/// The start of an AV1 uncompressed frame header (AV1 specification 5.9.2), read as far as refresh_frame_flags: enough
/// to tell key frames, shown frames and frames no later frame can refer to. Reading past show_frame needs the
/// sequence header in effect; without one, <see cref="RefreshFrameFlags"/> stays unknown.
/// </summary>
internal readonly struct Av1FrameHeader
{
    /// <summary>allFrames: every one of the 8 reference slots.</summary>
    public const int AllFrames = 0xFF;

    private Av1FrameHeader(bool showExisting, int frameToShow, Av1FrameType type, bool showFrame, int? refresh)
    {
        ShowExistingFrame = showExisting;
        FrameToShowMapIdx = frameToShow;
        FrameType = type;
        ShowFrame = showFrame;
        RefreshFrameFlags = refresh;
    }

    /// <summary>show_existing_frame: the frame shows a frame decoded earlier (slot <see cref="FrameToShowMapIdx"/>).</summary>
    public bool ShowExistingFrame { get; }

    /// <summary>frame_to_show_map_idx when <see cref="ShowExistingFrame"/>, else 0.</summary>
    public int FrameToShowMapIdx { get; }

    /// <summary>frame_type; for a shown existing frame, the type is the shown frame's and unknown here (InterFrame).</summary>
    public Av1FrameType FrameType { get; }

    /// <summary>show_frame (true for a shown existing frame).</summary>
    public bool ShowFrame { get; }

    /// <summary>
    /// refresh_frame_flags: the reference slots the frame replaces. Null when it could not be known: no sequence header,
    /// or a shown existing frame (whose refresh depends on the type of the frame shown, see <see cref="ShowExistingFrame"/>).
    /// </summary>
    public int? RefreshFrameFlags { get; }

    /// <summary>A key frame with show_frame set: a random access point (AV1 specification 7.5).</summary>
    public bool IsShownKeyFrame => !ShowExistingFrame && FrameType == Av1FrameType.KeyFrame && ShowFrame;

    /// <summary>
    /// Reads the frame header at the start of an OBU_FRAME_HEADER or OBU_FRAME payload.
    /// </summary>
    /// <param name="payload">The OBU payload.</param>
    /// <param name="sequence">The sequence header in effect, or null when none is known yet.</param>
    /// <param name="temporalId">temporal_id of the OBU's extension header (0 without one).</param>
    /// <param name="spatialId">spatial_id of the OBU's extension header (0 without one).</param>
    /// <exception cref="InvalidDataException">The payload ends before the fields read.</exception>
    public static Av1FrameHeader Parse(ReadOnlySpan<byte> payload, Av1SequenceHeader? sequence, int temporalId, int spatialId)
    {
        if (sequence is { ReducedStillPictureHeader: true })
        {
            return new Av1FrameHeader(false, 0, Av1FrameType.KeyFrame, true, AllFrames);
        }

        var reader = new BitstreamReader(payload, "AV1 frame header");
        if (reader.ReadBit()) // show_existing_frame
        {
            int frameToShow = (int)reader.ReadBits(3);
            return new Av1FrameHeader(true, frameToShow, Av1FrameType.InterFrame, true, null);
        }

        var frameType = (Av1FrameType)reader.ReadBits(2);
        bool showFrame = reader.ReadBit();
        if (frameType == Av1FrameType.SwitchFrame || (frameType == Av1FrameType.KeyFrame && showFrame))
        {
            return new Av1FrameHeader(false, 0, frameType, showFrame, AllFrames);
        }

        if (sequence is null)
        {
            return new Av1FrameHeader(false, 0, frameType, showFrame, null);
        }

        int refresh = ReadRefreshFrameFlags(ref reader, sequence, frameType, showFrame, temporalId, spatialId);
        return new Av1FrameHeader(false, 0, frameType, showFrame, refresh);
    }

    /// <summary>Reads on from error_resilient_mode to refresh_frame_flags, for a frame that codes the flags.</summary>
    private static int ReadRefreshFrameFlags(
        ref BitstreamReader reader, Av1SequenceHeader sequence, Av1FrameType frameType, bool showFrame, int temporalId, int spatialId)
    {
        if (showFrame && sequence.DecoderModelInfoPresent && !sequence.EqualPictureInterval)
        {
            reader.SkipBits(sequence.FramePresentationTimeLength); // temporal_point_info(): frame_presentation_time
        }

        if (!showFrame)
        {
            reader.SkipBits(1); // showable_frame
        }

        // Switch frames and shown key frames returned earlier: error_resilient_mode is coded here.
        bool errorResilient = reader.ReadBit();
        reader.SkipBits(1); // disable_cdf_update
        bool screenContentTools = sequence.SeqForceScreenContentTools == Av1SequenceHeader.Select
            ? reader.ReadBit() // allow_screen_content_tools
            : sequence.SeqForceScreenContentTools != 0;
        if (screenContentTools && sequence.SeqForceIntegerMv == Av1SequenceHeader.Select)
        {
            reader.SkipBits(1); // force_integer_mv
        }

        if (sequence.FrameIdNumbersPresent)
        {
            reader.SkipBits(sequence.AdditionalFrameIdLength + sequence.DeltaFrameIdLength); // current_frame_id: idLen bits
        }

        reader.SkipBits(1); // frame_size_override_flag (coded: not a switch frame, no reduced still picture header)
        reader.SkipBits(sequence.OrderHintBits); // order_hint
        bool intra = frameType is Av1FrameType.KeyFrame or Av1FrameType.IntraOnlyFrame;
        if (!intra && !errorResilient)
        {
            reader.SkipBits(3); // primary_ref_frame
        }

        if (sequence.DecoderModelInfoPresent && reader.ReadBit()) // buffer_removal_time_present_flag
        {
            for (int op = 0; op < sequence.OperatingPointIdc.Count; op++)
            {
                if (!sequence.DecoderModelPresentForOp[op])
                {
                    continue;
                }

                int idc = sequence.OperatingPointIdc[op];
                bool inTemporalLayer = ((idc >> temporalId) & 1) != 0;
                bool inSpatialLayer = ((idc >> (spatialId + 8)) & 1) != 0;
                if (idc == 0 || (inTemporalLayer && inSpatialLayer))
                {
                    reader.SkipBits(sequence.BufferRemovalTimeLength); // buffer_removal_time[op]
                }
            }
        }

        return (int)reader.ReadBits(8);
    }
}
