namespace Uplink.Tests.Readers.Elementary;

/// <summary>Builds tiny H.264 Annex-B streams bit by bit: an SPS without VUI, a PPS and IDR slice headers.</summary>
internal sealed class AnnexBTestStream
{
    private readonly List<byte> _bytes = [];

    /// <summary>A Baseline 160x96 SPS, POC type 2, with or without VUI timing at <paramref name="timeScale"/>/2 fps.</summary>
    public AnnexBTestStream Sps(uint? timeScale = null)
    {
        var w = new BitWriter();
        w.Bits(66, 8).Bits(0xC0, 8).Bits(30, 8).Ue(0).Ue(0).Ue(2).Ue(1).Bits(0, 1).Ue(9).Ue(5).Bits(1, 1).Bits(1, 1).Bits(0, 1);
        if (timeScale is uint scale)
        {
            w.Bits(1, 1).Bits(0, 1).Bits(0, 1).Bits(0, 1).Bits(0, 1).Bits(1, 1).Bits(1, 32).Bits(scale, 32).Bits(1, 1)
                .Bits(0, 1).Bits(0, 1).Bits(0, 1).Bits(0, 1);
        }
        else
        {
            w.Bits(0, 1);
        }

        return Nal(0x67, w);
    }

    /// <summary>A Baseline-like 160x96 SPS with POC type 0 and a 4-bit pic_order_cnt_lsb (it wraps every 8 frames), no VUI.</summary>
    public AnnexBTestStream SpsWithPocLsb()
    {
        var w = new BitWriter();
        w.Bits(77, 8).Bits(0x40, 8).Bits(30, 8).Ue(0).Ue(0).Ue(0).Ue(0).Ue(2).Bits(0, 1).Ue(9).Ue(5).Bits(1, 1).Bits(1, 1).Bits(0, 1).Bits(0, 1);
        return Nal(0x67, w);
    }

    /// <summary>
    /// A 160x96 SPS with POC type 1: delta_pic_order_always_zero, offset_for_non_ref_pic -1, a one-frame cycle with
    /// offset_for_ref_frame 2 (reference frame k has POC 2k; a non-reference frame after it, POC 2k - 1).
    /// </summary>
    public AnnexBTestStream SpsWithPocType1()
    {
        var w = new BitWriter();
        w.Bits(77, 8).Bits(0x40, 8).Bits(30, 8).Ue(0).Ue(0).Ue(1).Bits(1, 1).Se(-1).Se(0).Ue(1).Se(2)
            .Ue(2).Bits(0, 1).Ue(9).Ue(5).Bits(1, 1).Bits(1, 1).Bits(0, 1).Bits(0, 1);
        return Nal(0x67, w);
    }

    /// <summary>
    /// A slice for the POC type 0 SPS: nal_ref_idc 2 for reference pictures, slice type I (IDR), P or B, frame_num and
    /// pic_order_cnt_lsb as given (both 4 bits; no pic_order_cnt_lsb for POC type 1).
    /// </summary>
    public AnnexBTestStream PocSlice(char type, int frameNum, int? pocLsb, bool reference, int idrPicId = 0)
    {
        bool idr = type == 'I';
        var w = new BitWriter().Ue(0).Ue(type switch { 'I' => 7u, 'P' => 5u, _ => 6u }).Ue(0).Bits((uint)frameNum, 4);
        if (idr)
        {
            w.Ue((uint)idrPicId);
        }

        if (pocLsb is int lsb)
        {
            w.Bits((uint)lsb, 4);
        }
        for (int i = 0; i < 10; i++)
        {
            w.Bits(0x5A, 8);
        }

        return Nal((byte)((reference ? 0x40 : 0) | (idr ? 5 : 1)), w);
    }

    public AnnexBTestStream Pps() =>
        Nal(0x68, new BitWriter().Ue(0).Ue(0).Bits(0, 1).Bits(0, 1).Ue(0).Ue(0).Ue(0).Bits(0, 1).Bits(0, 2).Se(0).Se(0).Se(0).Bits(1, 1).Bits(0, 1).Bits(0, 1));

    /// <summary>An IDR slice: header fields, then <paramref name="payload"/> bytes of made-up slice data.</summary>
    public AnnexBTestStream IdrSlice(int idrPicId, uint firstMb = 0, int payload = 20)
    {
        var w = new BitWriter().Ue(firstMb).Ue(7).Ue(0).Bits(0, 4).Ue((uint)idrPicId);
        for (int i = 0; i < payload; i++)
        {
            w.Bits(0xA5, 8);
        }

        return Nal(0x65, w);
    }

    public AnnexBTestStream Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private AnnexBTestStream Nal(byte header, BitWriter payload)
    {
        _bytes.AddRange([0, 0, 0, 1, header]);
        int zeros = 0;
        foreach (byte b in payload.ToRbsp())
        {
            if (zeros >= 2 && b <= 3)
            {
                _bytes.Add(3);
                zeros = 0;
            }

            _bytes.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return this;
    }

    private sealed class BitWriter
    {
        private readonly List<bool> _bits = [];

        public BitWriter Bits(ulong value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                _bits.Add(((value >> i) & 1) != 0);
            }

            return this;
        }

        public BitWriter Ue(uint value)
        {
            ulong code = value + 1UL;
            int length = 64 - (int)ulong.LeadingZeroCount(code);
            return Bits(0, length - 1).Bits(code, length);
        }

        public BitWriter Se(int value) => Ue(value > 0 ? (uint)(2 * value - 1) : (uint)(-2 * value));

        public byte[] ToRbsp()
        {
            var bits = new List<bool>(_bits) { true };
            while (bits.Count % 8 != 0)
            {
                bits.Add(false);
            }

            var bytes = new byte[bits.Count / 8];
            for (int i = 0; i < bits.Count; i++)
            {
                if (bits[i])
                {
                    bytes[i / 8] |= (byte)(0x80 >> (i % 8));
                }
            }

            return bytes;
        }
    }
}
