namespace Uplink.Codecs.Av1;

/// <summary>color_config() of an AV1 sequence header (AV1 specification 5.5.2, semantics 6.4.2).</summary>
internal sealed class Av1ColorConfig
{
    /// <summary>CP_UNSPECIFIED, TC_UNSPECIFIED and MC_UNSPECIFIED: what a header without colour description means.</summary>
    public const int Unspecified = 2;

    private Av1ColorConfig()
    {
    }

    /// <summary>high_bitdepth.</summary>
    public bool HighBitdepth { get; private init; }

    /// <summary>twelve_bit (only profile 2 with high_bitdepth codes it; false otherwise).</summary>
    public bool TwelveBit { get; private init; }

    /// <summary>BitDepth: 8, 10 or 12.</summary>
    public int BitDepth { get; private init; }

    /// <summary>mono_chrome: a single (luma) plane.</summary>
    public bool MonoChrome { get; private init; }

    /// <summary>color_description_present_flag.</summary>
    public bool ColorDescriptionPresent { get; private init; }

    /// <summary>color_primaries (ISO/IEC 23091-4 values; 1 BT.709, 2 unspecified, 9 BT.2020).</summary>
    public int ColorPrimaries { get; private init; } = Unspecified;

    /// <summary>transfer_characteristics (1 BT.709, 2 unspecified, 13 sRGB, 16 PQ, 18 HLG).</summary>
    public int TransferCharacteristics { get; private init; } = Unspecified;

    /// <summary>matrix_coefficients (0 identity, 1 BT.709, 2 unspecified, 9 BT.2020 non-constant).</summary>
    public int MatrixCoefficients { get; private init; } = Unspecified;

    /// <summary>color_range: true for full range, false for studio (limited) range.</summary>
    public bool FullRange { get; private init; }

    /// <summary>subsampling_x: chroma has half the luma width.</summary>
    public bool SubsamplingX { get; private init; }

    /// <summary>subsampling_y: chroma has half the luma height.</summary>
    public bool SubsamplingY { get; private init; }

    /// <summary>chroma_sample_position (4:2:0 only): 0 unknown, 1 vertical, 2 colocated; 0 when not coded.</summary>
    public int ChromaSamplePosition { get; private init; }

    /// <summary>separate_uv_delta_q.</summary>
    public bool SeparateUvDeltaQ { get; private init; }

    /// <summary>Reads color_config() for a sequence header of <paramref name="seqProfile"/> (0 to 2).</summary>
    internal static Av1ColorConfig Read(ref BitstreamReader reader, int seqProfile)
    {
        bool highBitdepth = reader.ReadBit();
        bool twelveBit = seqProfile == 2 && highBitdepth && reader.ReadBit();
        int bitDepth = twelveBit ? 12 : highBitdepth ? 10 : 8;
        bool monoChrome = seqProfile != 1 && reader.ReadBit();
        bool described = reader.ReadBit();
        int primaries = Unspecified, transfer = Unspecified, matrix = Unspecified;
        if (described)
        {
            primaries = (int)reader.ReadBits(8);
            transfer = (int)reader.ReadBits(8);
            matrix = (int)reader.ReadBits(8);
        }

        bool fullRange;
        bool subsamplingX, subsamplingY;
        int chromaSamplePosition = 0;
        bool separateUvDeltaQ = false;
        if (monoChrome)
        {
            fullRange = reader.ReadBit();
            subsamplingX = subsamplingY = true;
        }
        else
        {
            // BT.709 primaries, sRGB transfer and the identity matrix mean RGB: full range 4:4:4, nothing coded.
            if (primaries == 1 && transfer == 13 && matrix == 0)
            {
                fullRange = true;
                subsamplingX = subsamplingY = false;
            }
            else
            {
                fullRange = reader.ReadBit();
                switch (seqProfile)
                {
                    case 0:
                        subsamplingX = subsamplingY = true;
                        break;
                    case 1:
                        subsamplingX = subsamplingY = false;
                        break;
                    default:
                        if (bitDepth == 12)
                        {
                            subsamplingX = reader.ReadBit();
                            subsamplingY = subsamplingX && reader.ReadBit();
                        }
                        else
                        {
                            subsamplingX = true;
                            subsamplingY = false;
                        }

                        break;
                }

                if (subsamplingX && subsamplingY)
                {
                    chromaSamplePosition = (int)reader.ReadBits(2);
                }
            }

            separateUvDeltaQ = reader.ReadBit();
        }

        return new Av1ColorConfig
        {
            HighBitdepth = highBitdepth,
            TwelveBit = twelveBit,
            BitDepth = bitDepth,
            MonoChrome = monoChrome,
            ColorDescriptionPresent = described,
            ColorPrimaries = primaries,
            TransferCharacteristics = transfer,
            MatrixCoefficients = matrix,
            FullRange = fullRange,
            SubsamplingX = subsamplingX,
            SubsamplingY = subsamplingY,
            ChromaSamplePosition = chromaSamplePosition,
            SeparateUvDeltaQ = separateUvDeltaQ,
        };
    }
}
