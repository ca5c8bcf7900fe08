namespace Uplink.Codecs.Hevc;

/// <summary>
/// Skips an hrd_parameters() structure (ITU-T H.265 E.2.2): nothing in it matters to a muxer, but the fields after it
/// in the VUI (the bitstream restriction) can only be reached by reading through it.
/// </summary>
internal static class HevcHrdParameters
{
    /// <summary>Reads past hrd_parameters(<paramref name="commonInfoPresent"/>, <paramref name="maxSubLayersMinus1"/>).</summary>
    /// <exception cref="InvalidDataException">The data ends early or cpb_cnt_minus1 is out of range.</exception>
    public static void Skip(ref BitstreamReader reader, bool commonInfoPresent, int maxSubLayersMinus1)
    {
        bool nalHrd = false, vclHrd = false, subPicParams = false;
        if (commonInfoPresent)
        {
            nalHrd = reader.ReadBit(); // nal_hrd_parameters_present_flag
            vclHrd = reader.ReadBit(); // vcl_hrd_parameters_present_flag
            if (nalHrd || vclHrd)
            {
                subPicParams = reader.ReadBit(); // sub_pic_hrd_params_present_flag
                if (subPicParams)
                {
                    // tick_divisor_minus2, du_cpb_removal_delay_increment_length_minus1,
                    // sub_pic_cpb_params_in_pic_timing_sei_flag, dpb_output_delay_du_length_minus1
                    reader.SkipBits(8 + 5 + 1 + 5);
                }

                reader.SkipBits(4 + 4); // bit_rate_scale, cpb_size_scale
                if (subPicParams)
                {
                    reader.SkipBits(4); // cpb_size_du_scale
                }

                // initial_cpb_removal_delay_length_minus1, au_cpb_removal_delay_length_minus1, dpb_output_delay_length_minus1
                reader.SkipBits(5 + 5 + 5);
            }
        }

        for (int i = 0; i <= maxSubLayersMinus1; i++)
        {
            // fixed_pic_rate_within_cvs_flag is inferred to be 1 when fixed_pic_rate_general_flag is 1.
            bool fixedPicRate = reader.ReadBit() || reader.ReadBit();
            bool lowDelay = false;
            if (fixedPicRate)
            {
                reader.ReadUnsignedExpGolomb(2047, "elemental_duration_in_tc_minus1");
            }
            else
            {
                lowDelay = reader.ReadBit(); // low_delay_hrd_flag
            }

            int cpbCount = lowDelay ? 1 : (int)reader.ReadUnsignedExpGolomb(31, "cpb_cnt_minus1") + 1;
            if (nalHrd)
            {
                SkipSubLayer(ref reader, cpbCount, subPicParams);
            }

            if (vclHrd)
            {
                SkipSubLayer(ref reader, cpbCount, subPicParams);
            }
        }
    }

    private static void SkipSubLayer(ref BitstreamReader reader, int cpbCount, bool subPicParams)
    {
        for (int i = 0; i < cpbCount; i++)
        {
            reader.ReadUnsignedExpGolomb(); // bit_rate_value_minus1
            reader.ReadUnsignedExpGolomb(); // cpb_size_value_minus1
            if (subPicParams)
            {
                reader.ReadUnsignedExpGolomb(); // cpb_size_du_value_minus1
                reader.ReadUnsignedExpGolomb(); // bit_rate_du_value_minus1
            }

            reader.SkipBits(1); // cbr_flag
        }
    }
}
