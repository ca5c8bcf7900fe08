using Uplink.Codecs;

namespace Uplink.Tests.Codecs;

public class LengthPrefixedNalUnitsTests
{
    [Theory]
    [InlineData(1, "02 6742 00 01 68")]
    [InlineData(2, "0002 6742 0000 0001 68")]
    [InlineData(4, "00000002 6742 00000000 00000001 68")]
    public void Enumerate_reads_each_length_size_and_skips_empty_units(int lengthSize, string hex)
    {
        var nals = new List<string>();
        foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(CodecTestData.Hex(hex), lengthSize))
        {
            nals.Add(Convert.ToHexString(nal));
        }

        Assert.Equal(["6742", "68"], nals);
    }

    [Fact]
    public void A_length_that_overruns_the_buffer_names_its_offset()
    {
        byte[] data = CodecTestData.Hex("00000002 6742 00000009 68");

        var e = Assert.Throws<InvalidDataException>(() => Count(data, 4));

        Assert.Equal("NAL length 9 at offset 6 overruns the buffer (1 bytes follow)", e.Message);
    }

    [Fact]
    public void A_truncated_length_names_its_offset()
    {
        var e = Assert.Throws<InvalidDataException>(() => Count(CodecTestData.Hex("0001 65 00"), 2));

        Assert.Equal("truncated 2-byte NAL length at offset 3 (1 bytes left)", e.Message);
    }

    [Fact]
    public void Length_size_3_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LengthPrefixedNalUnits.Enumerate([], 3));

    [Fact]
    public void Random_bytes_only_ever_throw_InvalidDataException()
    {
        var random = new Random(99);
        byte[] data = new byte[64];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(data);
            try
            {
                Count(data.AsSpan(0, random.Next(data.Length)), random.Next(2) == 0 ? 1 : 2);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static int Count(ReadOnlySpan<byte> data, int lengthSize)
    {
        int count = 0;
        foreach (ReadOnlySpan<byte> nal in LengthPrefixedNalUnits.Enumerate(data, lengthSize))
        {
            Assert.False(nal.IsEmpty);
            count++;
        }

        return count;
    }
}
