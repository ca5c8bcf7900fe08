using Uplink.Media.Matroska;

namespace Uplink.Tests.Readers.Matroska;

/// <summary>Lace headers (RFC 9559 10.4) and the EBML variable-size integers they use.</summary>
public class MatroskaLacingTests
{
    private static (int[] Sizes, int HeaderLength) Parse(byte[] data, int flags)
    {
        int[] sizes = new int[MatroskaLacing.MaxFrames];
        string? problem = MatroskaLacing.TryParse(data, flags, sizes, out int count, out int headerLength);
        Assert.Null(problem);
        return (sizes[..count], headerLength);
    }

    [Theory]
    [InlineData(Lacing.Xiph)]
    [InlineData(Lacing.Ebml)]
    public void Xiph_and_EBML_lacing_give_back_the_frame_sizes(Lacing lacing)
    {
        byte[][] frames = [new byte[800], new byte[255], [], new byte[3], new byte[70000], new byte[1]];
        byte[] block = MatroskaTestFiles.BlockData(1, 0, 0, lacing, frames);
        (int[] sizes, int headerLength) = Parse(block[4..], block[3]);
        Assert.Equal(frames.Select(f => f.Length), sizes);
        Assert.Equal(block.Length - 4 - frames.Sum(f => f.Length), headerLength);
    }

    [Fact]
    public void Fixed_size_lacing_splits_evenly_and_no_lacing_is_one_frame()
    {
        (int[] sizes, int headerLength) = Parse([2, .. new byte[30]], 0x04);
        Assert.Equal([10, 10, 10], sizes);
        Assert.Equal(1, headerLength);
        Assert.Equal([30], Parse(new byte[30], 0x80).Sizes);
    }

    [Theory]
    [InlineData(new byte[] { }, 0x02, "its lace header is missing")]
    [InlineData(new byte[] { 1, 255 }, 0x02, "its Xiph lace sizes run past its end")]
    [InlineData(new byte[] { 1, 20, 1, 2 }, 0x02, "its laced frames claim 20 bytes, more than the 2 it holds")]
    [InlineData(new byte[] { 2, 1, 2, 3, 4, 5 }, 0x04, "its 5 bytes do not split into 3 equal laced frames")]
    [InlineData(new byte[] { 1, 0x00, 5 }, 0x06, "its EBML lace size 1 is malformed")]
    [InlineData(new byte[] { 2, 0x81, 0x80, 0, 0, 0 }, 0x06, "its EBML lace size 2 is malformed")]
    public void Malformed_lace_headers_say_what_is_wrong(byte[] data, int flags, string problem)
    {
        Assert.Equal(problem, MatroskaLacing.TryParse(data, flags, new int[MatroskaLacing.MaxFrames], out _, out _));
    }

    [Theory]
    [InlineData("81", 1UL, 1)]
    [InlineData("4001", 1UL, 2)]
    [InlineData("FF", 0x7FUL, 1)]
    [InlineData("01FFFFFFFFFFFFFF", 0xFFFFFFFFFFFFFFUL, 8)]
    public void Variable_size_integers_drop_their_length_marker(string hex, ulong value, int length)
    {
        Assert.Equal(EbmlHeaderStatus.Read, Ebml.TryReadVarInt(Convert.FromHexString(hex), out ulong read, out int readLength));
        Assert.Equal((value, length), (read, readLength));
    }

    [Fact]
    public void Element_headers_know_unknown_sizes_and_refuse_overlong_IDs()
    {
        Assert.Equal(EbmlHeaderStatus.Read, Ebml.TryReadHeader([0x1F, 0x43, 0xB6, 0x75, 0xFF], out EbmlElementHeader cluster));
        Assert.Equal((0x1F43B675u, 5, Ebml.UnknownSize), (cluster.Id, cluster.HeaderSize, cluster.Size));
        Assert.Equal(EbmlHeaderStatus.Read, Ebml.TryReadHeader([0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], out EbmlElementHeader block));
        Assert.True(block.IsUnknownSize);
        Assert.Equal(EbmlHeaderStatus.Read, Ebml.TryReadHeader([0xA3, 0x40, 0x7F], out block));
        Assert.Equal(0x7F, block.Size); // all ones only in the shortest form means unknown
        Assert.Equal(EbmlHeaderStatus.Invalid, Ebml.TryReadHeader([0x08, 0, 0, 0, 0, 0x81], out _));
        Assert.Equal(EbmlHeaderStatus.Invalid, Ebml.TryReadHeader([0xA3, 0x00], out _));
        Assert.Equal(EbmlHeaderStatus.NeedMoreData, Ebml.TryReadHeader([0x1F, 0x43, 0xB6], out _));
        Assert.Equal(EbmlHeaderStatus.NeedMoreData, Ebml.TryReadHeader([0xA3, 0x10, 0], out _));
    }
}
