namespace Uplink.Tests.Readers.Matroska;

/// <summary>Builds an SPS without VUI (so without max_num_reorder_frames), as some hardware encoders write it, and an avcC around it.</summary>
internal static class H264TestSps
{
    /// <summary>A 320x180 SPS of <paramref name="profileIdc"/> (66 Baseline, 77 Main, 100 High), level 3.0, no VUI.</summary>
    public static byte[] WithoutVui(byte profileIdc)
    {
        var bits = new List<bool>();
        void Bits(ulong value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                bits.Add(((value >> i) & 1) != 0);
            }
        }

        void Ue(ulong value)
        {
            ulong coded = value + 1;
            int length = 64 - System.Numerics.BitOperations.LeadingZeroCount(coded);
            Bits(0, length - 1);
            Bits(coded, length);
        }

        Bits(profileIdc, 8);
        Bits(0, 8); // constraint flags
        Bits(30, 8); // level 3.0
        Ue(0); // seq_parameter_set_id
        if (profileIdc == 100)
        {
            Ue(1); // chroma_format_idc 4:2:0
            Ue(0); // bit_depth_luma_minus8
            Ue(0); // bit_depth_chroma_minus8
            Bits(0, 1); // qpprime_y_zero_transform_bypass_flag
            Bits(0, 1); // seq_scaling_matrix_present_flag
        }

        Ue(0); // log2_max_frame_num_minus4
        Ue(0); // pic_order_cnt_type
        Ue(2); // log2_max_pic_order_cnt_lsb_minus4
        Ue(3); // max_num_ref_frames
        Bits(0, 1); // gaps_in_frame_num_value_allowed_flag
        Ue(19); // pic_width_in_mbs_minus1: 320
        Ue(11); // pic_height_in_map_units_minus1: 192
        Bits(1, 1); // frame_mbs_only_flag
        Bits(1, 1); // direct_8x8_inference_flag
        Bits(1, 1); // frame_cropping_flag
        Ue(0);
        Ue(0);
        Ue(0);
        Ue(6); // 12 lines off the bottom: 180
        Bits(0, 1); // vui_parameters_present_flag
        Bits(1, 1); // rbsp_stop_one_bit
        while (bits.Count % 8 != 0)
        {
            bits.Add(false);
        }

        var sps = new List<byte> { 0x67 };
        int zeros = 0;
        for (int i = 0; i < bits.Count; i += 8)
        {
            byte b = 0;
            for (int j = 0; j < 8; j++)
            {
                b = (byte)((b << 1) | (bits[i + j] ? 1 : 0));
            }

            if (zeros >= 2 && b <= 3)
            {
                sps.Add(3); // emulation prevention
                zeros = 0;
            }

            sps.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. sps];
    }

    /// <summary>An avcC (4-byte NAL lengths) with one SPS and one PPS.</summary>
    public static byte[] AvcC(byte[] sps, byte[] pps) =>
        [1, sps[1], sps[2], sps[3], 0xFF, 0xE1, (byte)(sps.Length >> 8), (byte)sps.Length, .. sps, 1, (byte)(pps.Length >> 8), (byte)pps.Length, .. pps];

    /// <summary>The PPS of an avcC with one SPS.</summary>
    public static byte[] PpsOf(byte[] avcC)
    {
        int spsLength = (avcC[6] << 8) | avcC[7];
        int at = 8 + spsLength + 1;
        int ppsLength = (avcC[at] << 8) | avcC[at + 1];
        return avcC[(at + 2)..(at + 2 + ppsLength)];
    }
}
