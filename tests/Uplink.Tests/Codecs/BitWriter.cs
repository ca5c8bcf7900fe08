namespace Uplink.Tests.Codecs;

/// <summary>Writes MSB-first bits and Exp-Golomb codes, to hand-build SPS and AudioSpecificConfig test inputs.</summary>
internal sealed class BitWriter
{
    private readonly List<bool> _bits = [];

    public BitWriter Bits(uint value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            _bits.Add(((value >> i) & 1) != 0);
        }

        return this;
    }

    public BitWriter Bit(bool value) => Bits(value ? 1u : 0u, 1);

    public BitWriter Ue(uint value)
    {
        ulong code = (ulong)value + 1;
        int length = 64 - System.Numerics.BitOperations.LeadingZeroCount(code);
        Bits(0, length - 1);
        for (int i = length - 1; i >= 0; i--)
        {
            _bits.Add(((code >> i) & 1) != 0);
        }

        return this;
    }

    public BitWriter Se(int value) => Ue(value <= 0 ? (uint)(-2L * value) : (uint)((2L * value) - 1));

    /// <summary>The bits padded with zeros to a byte boundary.</summary>
    public byte[] ToBytes()
    {
        byte[] bytes = new byte[(_bits.Count + 7) / 8];
        for (int i = 0; i < _bits.Count; i++)
        {
            if (_bits[i])
            {
                bytes[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }

        return bytes;
    }

    /// <summary>An H.264 NAL unit: the header byte, then the RBSP (with stop bit) with emulation prevention added.</summary>
    public byte[] ToNalUnit(byte header)
    {
        Bit(true);
        while (_bits.Count % 8 != 0)
        {
            Bit(false);
        }

        var nal = new List<byte> { header };
        int zeros = 0;
        foreach (byte b in ToBytes())
        {
            if (zeros >= 2 && b <= 3)
            {
                nal.Add(3);
                zeros = 0;
            }

            nal.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. nal];
    }
}
