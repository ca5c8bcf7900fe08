namespace Uplink.Tests.Codecs.Av1;

/// <summary>The fields of a hand-built AV1 sequence header; the defaults make an 8-bit 4:2:0 Main profile 1080p header.</summary>
internal sealed record Av1SequenceHeaderFields
{
    public int Profile { get; init; }

    public bool StillPicture { get; init; }

    public bool ReducedStillPictureHeader { get; init; }

    public bool TimingInfo { get; init; }

    public uint NumUnitsInDisplayTick { get; init; } = 1001;

    public uint TimeScale { get; init; } = 30000;

    public bool EqualPictureInterval { get; init; }

    public uint NumTicksPerPictureMinus1 { get; init; }

    public bool DecoderModelInfo { get; init; }

    public int BufferDelayLength { get; init; } = 10;

    public int BufferRemovalTimeLength { get; init; } = 6;

    public int FramePresentationTimeLength { get; init; } = 9;

    public bool InitialDisplayDelayPresent { get; init; }

    public (int Idc, int Level, int Tier, bool DecoderModel, int? InitialDisplayDelay)[] OperatingPoints { get; init; } = [(0, 8, 0, false, null)];

    public int FrameWidthBits { get; init; } = 11;

    public int FrameHeightBits { get; init; } = 11;

    public int MaxFrameWidth { get; init; } = 1920;

    public int MaxFrameHeight { get; init; } = 1080;

    public bool FrameIds { get; init; }

    public int DeltaFrameIdLength { get; init; } = 14;

    public int AdditionalFrameIdLength { get; init; } = 7;

    public bool Use128x128Superblock { get; init; }

    public bool EnableOrderHint { get; init; } = true;

    public int OrderHintBits { get; init; } = 7;

    public int ForceScreenContentTools { get; init; } = 2;

    public int ForceIntegerMv { get; init; } = 2;

    public bool EnableSuperres { get; init; }

    public bool HighBitdepth { get; init; }

    public bool TwelveBit { get; init; }

    public bool Mono { get; init; }

    public bool ColorDescription { get; init; }

    public int Primaries { get; init; } = 2;

    public int Transfer { get; init; } = 2;

    public int Matrix { get; init; } = 2;

    public bool FullRange { get; init; }

    public bool SubsamplingX { get; init; } = true;

    public bool SubsamplingY { get; init; } = true;

    public int ChromaSamplePosition { get; init; }

    public bool SeparateUvDeltaQ { get; init; }

    public bool FilmGrain { get; init; }
}

/// <summary>Hand-builds AV1 OBUs, sequence headers and frame headers for the parser tests.</summary>
internal static class Av1TestBitstream
{
    /// <summary>An OBU: header (with obu_has_size_field), an extension byte when asked, the leb128 size and the payload.</summary>
    public static byte[] Obu(int type, byte[] payload, bool sizeField = true, (int Temporal, int Spatial)? extension = null)
    {
        var bytes = new List<byte> { (byte)((type << 3) | (extension is null ? 0 : 4) | (sizeField ? 2 : 0)) };
        if (extension is { } e)
        {
            bytes.Add((byte)((e.Temporal << 5) | (e.Spatial << 3)));
        }

        if (sizeField)
        {
            uint size = (uint)payload.Length;
            do
            {
                byte b = (byte)(size & 0x7F);
                size >>= 7;
                bytes.Add(size != 0 ? (byte)(b | 0x80) : b);
            }
            while (size != 0);
        }

        bytes.AddRange(payload);
        return [.. bytes];
    }

    public static byte[] TemporalDelimiter() => Obu(2, []);

    public static byte[] Padding(int length) => Obu(15, new byte[length]);

    /// <summary>A sequence header payload, trailing bits included.</summary>
    public static byte[] SequenceHeader(Av1SequenceHeaderFields f)
    {
        var w = new BitWriter();
        w.Bits((uint)f.Profile, 3).Bit(f.StillPicture).Bit(f.ReducedStillPictureHeader);
        if (f.ReducedStillPictureHeader)
        {
            w.Bits((uint)f.OperatingPoints[0].Level, 5);
        }
        else
        {
            w.Bit(f.TimingInfo);
            if (f.TimingInfo)
            {
                w.Bits(f.NumUnitsInDisplayTick, 32).Bits(f.TimeScale, 32).Bit(f.EqualPictureInterval);
                if (f.EqualPictureInterval)
                {
                    Uvlc(w, f.NumTicksPerPictureMinus1);
                }

                w.Bit(f.DecoderModelInfo);
                if (f.DecoderModelInfo)
                {
                    w.Bits((uint)f.BufferDelayLength - 1, 5).Bits(90000, 32)
                        .Bits((uint)f.BufferRemovalTimeLength - 1, 5).Bits((uint)f.FramePresentationTimeLength - 1, 5);
                }
            }

            w.Bit(f.InitialDisplayDelayPresent).Bits((uint)f.OperatingPoints.Length - 1, 5);
            foreach ((int idc, int level, int tier, bool model, int? delay) in f.OperatingPoints)
            {
                w.Bits((uint)idc, 12).Bits((uint)level, 5);
                if (level > 7)
                {
                    w.Bits((uint)tier, 1);
                }

                if (f.DecoderModelInfo)
                {
                    w.Bit(model);
                    if (model)
                    {
                        w.Bits(0x155, f.BufferDelayLength).Bits(0xAA, f.BufferDelayLength).Bit(true);
                    }
                }

                if (f.InitialDisplayDelayPresent)
                {
                    w.Bit(delay is not null);
                    if (delay is int d)
                    {
                        w.Bits((uint)d - 1, 4);
                    }
                }
            }
        }

        w.Bits((uint)f.FrameWidthBits - 1, 4).Bits((uint)f.FrameHeightBits - 1, 4)
            .Bits((uint)f.MaxFrameWidth - 1, f.FrameWidthBits).Bits((uint)f.MaxFrameHeight - 1, f.FrameHeightBits);
        if (!f.ReducedStillPictureHeader)
        {
            w.Bit(f.FrameIds);
            if (f.FrameIds)
            {
                w.Bits((uint)f.DeltaFrameIdLength - 2, 4).Bits((uint)f.AdditionalFrameIdLength - 1, 3);
            }
        }

        w.Bit(f.Use128x128Superblock).Bit(true).Bit(true); // enable_filter_intra, enable_intra_edge_filter
        if (!f.ReducedStillPictureHeader)
        {
            w.Bits(0b1010, 4).Bit(f.EnableOrderHint);
            if (f.EnableOrderHint)
            {
                w.Bit(true).Bit(false); // enable_jnt_comp, enable_ref_frame_mvs
            }

            w.Bit(f.ForceScreenContentTools == 2);
            if (f.ForceScreenContentTools != 2)
            {
                w.Bits((uint)f.ForceScreenContentTools, 1);
            }

            if (f.ForceScreenContentTools > 0)
            {
                w.Bit(f.ForceIntegerMv == 2);
                if (f.ForceIntegerMv != 2)
                {
                    w.Bits((uint)f.ForceIntegerMv, 1);
                }
            }

            if (f.EnableOrderHint)
            {
                w.Bits((uint)f.OrderHintBits - 1, 3);
            }
        }

        w.Bit(f.EnableSuperres).Bit(true).Bit(true); // enable_cdef, enable_restoration
        ColorConfig(w, f);
        w.Bit(f.FilmGrain);
        return TrailingBits(w);
    }

    /// <summary>
    /// A frame header payload as far as refresh_frame_flags (then a few filler bytes), coded against the fields of
    /// <paramref name="s"/>: <paramref name="frameType"/> 0 key, 1 inter, 2 intra-only, 3 switch.
    /// </summary>
    public static byte[] FrameHeader(Av1SequenceHeaderFields s, int frameType, bool showFrame, int refresh, int temporalId = 0, int spatialId = 0)
    {
        var w = new BitWriter();
        if (!s.ReducedStillPictureHeader)
        {
            w.Bit(false).Bits((uint)frameType, 2).Bit(showFrame);
            if (showFrame && s.DecoderModelInfo && !s.EqualPictureInterval)
            {
                w.Bits(0x5A, s.FramePresentationTimeLength);
            }

            if (!showFrame)
            {
                w.Bit(true); // showable_frame
            }

            bool codesRefresh = !(frameType == 3 || (frameType == 0 && showFrame));
            if (codesRefresh)
            {
                w.Bit(false); // error_resilient_mode
            }

            w.Bit(false); // disable_cdf_update
            bool screenContent = s.ForceScreenContentTools == 2 ? true : s.ForceScreenContentTools == 1;
            if (s.ForceScreenContentTools == 2)
            {
                w.Bit(true);
            }

            if (screenContent && s.ForceIntegerMv == 2)
            {
                w.Bit(false);
            }

            if (s.FrameIds)
            {
                w.Bits(0x1234, s.DeltaFrameIdLength + s.AdditionalFrameIdLength);
            }

            if (frameType != 3)
            {
                w.Bit(false); // frame_size_override_flag
            }

            w.Bits(5, s.EnableOrderHint ? s.OrderHintBits : 0);
            if (frameType is 1 or 3 && codesRefresh)
            {
                w.Bits(7, 3); // primary_ref_frame
            }

            if (s.DecoderModelInfo)
            {
                w.Bit(true); // buffer_removal_time_present_flag
                foreach ((int idc, _, _, bool model, _) in s.OperatingPoints)
                {
                    bool inLayers = ((idc >> temporalId) & 1) != 0 && ((idc >> (spatialId + 8)) & 1) != 0;
                    if (model && (idc == 0 || inLayers))
                    {
                        w.Bits(0x21, s.BufferRemovalTimeLength);
                    }
                }
            }

            if (codesRefresh)
            {
                w.Bits((uint)refresh, 8);
            }
        }

        w.Bits(0xFFFF, 16);
        return w.ToBytes();
    }

    /// <summary>A frame header payload with show_existing_frame set.</summary>
    public static byte[] ShowExistingFrame(int slot) => new BitWriter().Bit(true).Bits((uint)slot, 3).ToBytes();

    private static void ColorConfig(BitWriter w, Av1SequenceHeaderFields f)
    {
        w.Bit(f.HighBitdepth);
        if (f.Profile == 2 && f.HighBitdepth)
        {
            w.Bit(f.TwelveBit);
        }

        if (f.Profile != 1)
        {
            w.Bit(f.Mono);
        }

        w.Bit(f.ColorDescription);
        if (f.ColorDescription)
        {
            w.Bits((uint)f.Primaries, 8).Bits((uint)f.Transfer, 8).Bits((uint)f.Matrix, 8);
        }

        if (f.Mono)
        {
            w.Bit(f.FullRange);
            return;
        }

        bool rgb = f.ColorDescription && f.Primaries == 1 && f.Transfer == 13 && f.Matrix == 0;
        if (!rgb)
        {
            w.Bit(f.FullRange);
            bool x = f.Profile == 0 || (f.Profile == 2 && (!f.TwelveBit || f.SubsamplingX));
            bool y = f.Profile == 0 || (f.Profile == 2 && f.TwelveBit && f.SubsamplingX && f.SubsamplingY);
            if (f.Profile == 2 && f.TwelveBit)
            {
                w.Bit(f.SubsamplingX);
                if (f.SubsamplingX)
                {
                    w.Bit(f.SubsamplingY);
                }
            }

            if (x && y)
            {
                w.Bits((uint)f.ChromaSamplePosition, 2);
            }
        }

        w.Bit(f.SeparateUvDeltaQ);
    }

    private static void Uvlc(BitWriter w, uint value)
    {
        ulong code = (ulong)value + 1;
        int length = 64 - System.Numerics.BitOperations.LeadingZeroCount(code);
        w.Bits(0, length - 1);
        w.Bits((uint)(code >> 32), Math.Max(0, length - 32));
        w.Bits((uint)code, Math.Min(length, 32));
    }

    private static byte[] TrailingBits(BitWriter w)
    {
        w.Bit(true);
        return w.ToBytes();
    }
}
