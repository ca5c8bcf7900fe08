using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class AnnexBTests
{
    [Theory]
    [InlineData("000001", true)]
    [InlineData("00000001", true)]
    [InlineData("00000165", true)]
    [InlineData("0000000165", true)]
    [InlineData("000000000165", false)]
    [InlineData("0001", false)]
    [InlineData("", false)]
    [InlineData("00000201", false)]
    public void StartsWithStartCode_recognises_three_and_four_byte_start_codes(string hex, bool expected) =>
        Assert.Equal(expected, AnnexB.StartsWithStartCode(CodecTestData.Hex(hex)));

    [Fact]
    public void EnumerateNalUnits_strips_start_codes_and_the_zeros_before_the_next_one()
    {
        byte[] data = CodecTestData.Hex("AA BB 00000001 6742 0000 000001 68CE 00000001 65 88 00 00 03 00 01 0000");

        List<string> nals = Collect(data);

        Assert.Equal(["6742", "68CE", "65880000030001"], nals);
    }

    [Fact]
    public void EnumerateNalUnits_skips_empty_nal_units_and_returns_nothing_without_a_start_code()
    {
        Assert.Equal(["09F0", "65"], Collect(CodecTestData.Hex("000001 000001 0000000109F0 00000001 00000165")));
        Assert.Empty(Collect(CodecTestData.Hex("6742C01E00")));
        Assert.Empty(Collect(CodecTestData.Hex("00000001")));
        Assert.Empty(Collect([]));
    }

    [Fact]
    public void EnumerateNalUnits_keeps_a_trailing_nal_unit_that_has_no_start_code_after_it()
    {
        Assert.Equal(["6742C01E", "01FF"], Collect(CodecTestData.Hex("000001 6742C01E 000001 01FF")));
    }

    [Fact]
    public void WriteLengthPrefixed_writes_4_byte_big_endian_lengths()
    {
        byte[] data = CodecTestData.Hex("00000001 6742C01E 00000001 68CE3C80 000001 65888400");
        int size = AnnexB.GetLengthPrefixedSize(data);
        byte[] output = new byte[size + 5];

        int written = AnnexB.WriteLengthPrefixed(data, output);

        Assert.Equal(4 + 4 + 4 + 4 + 4 + 3, size);
        Assert.Equal(size, written);
        Assert.Equal("000000046742C01E0000000468CE3C8000000003658884", Convert.ToHexString(output, 0, written));
    }

    [Fact]
    public void WriteLengthPrefixed_refuses_a_destination_that_is_too_small()
    {
        byte[] data = CodecTestData.Hex("00000001 6742C01E 00000001 68CE3C80");

        Assert.Throws<ArgumentException>(() => AnnexB.WriteLengthPrefixed(data, new byte[15]));
    }

    [Fact]
    public void Length_prefixed_output_enumerates_back_to_the_same_nal_units()
    {
        var random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            var expected = new List<string>();
            var annexB = new List<byte>();
            for (int n = random.Next(0, 6); n > 0; n--)
            {
                byte[] nal = new byte[random.Next(1, 300)];
                random.NextBytes(nal);
                nal[0] = (byte)(nal[0] | 1); // non-zero header
                nal[^1] = (byte)(nal[^1] | 0x80); // a NAL unit never ends in zero
                for (int i = 2; i < nal.Length; i++)
                {
                    if (nal[i - 2] == 0 && nal[i - 1] == 0 && nal[i] <= 3)
                    {
                        nal[i] = 0x55; // keep the payload free of start-code emulation
                    }
                }

                expected.Add(Convert.ToHexString(nal));
                annexB.AddRange(random.Next(2) == 0 ? [0, 0, 1] : [0, 0, 0, 1]);
                annexB.AddRange(nal);
            }

            byte[] prefixed = new byte[AnnexB.GetLengthPrefixedSize([.. annexB])];
            AnnexB.WriteLengthPrefixed([.. annexB], prefixed);

            var actual = new List<string>();
            foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(prefixed, 4))
            {
                actual.Add(Convert.ToHexString(nal));
            }

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Random_bytes_never_make_the_enumerator_throw_or_return_empty_units()
    {
        var random = new Random(42);
        byte[] data = new byte[512];
        for (int i = 0; i < 5_000; i++)
        {
            random.NextBytes(data);
            for (int j = 0; j < 60; j++)
            {
                data[random.Next(data.Length)] = (byte)random.Next(3); // plenty of 00 and 01
            }

            int total = 0;
            foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(data))
            {
                Assert.False(nal.IsEmpty);
                Assert.NotEqual(0, nal[^1]);
                total += nal.Length;
            }

            Assert.True(total <= data.Length);
            Assert.Equal(AnnexB.GetLengthPrefixedSize(data), AnnexB.WriteLengthPrefixed(data, new byte[data.Length * 2]));
        }
    }

    private static List<string> Collect(byte[] data)
    {
        var nals = new List<string>();
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(data))
        {
            nals.Add(Convert.ToHexString(nal));
        }

        return nals;
    }
}
