using Uplink.Codecs.Hevc;

namespace Uplink.Tests.Codecs.Hevc;

public class HevcNalUnitHeaderTests
{
    [Theory]
    [InlineData(0x40, 0x01, 32, 0, 0)] // VPS
    [InlineData(0x42, 0x01, 33, 0, 0)] // SPS
    [InlineData(0x26, 0x01, 19, 0, 0)] // IDR_W_RADL
    [InlineData(0x04, 0x02, 2, 0, 1)] // TSA_N in sub-layer 1
    [InlineData(0x01, 0x0F, 0, 33, 6)] // nuh_layer_id's top bit is in the first byte
    public void Read_splits_the_two_bytes(byte first, byte second, int type, int layerId, int temporalId)
    {
        var header = HevcNalUnitHeader.Read([first, second, 0xFF]);

        Assert.Equal(new HevcNalUnitHeader((HevcNalUnitType)type, layerId, temporalId), header);
        Assert.Equal((HevcNalUnitType)type, HevcNalUnitHeader.ReadType([first]));
    }

    [Fact]
    public void Read_refuses_a_forbidden_bit_a_zero_temporal_id_and_short_input()
    {
        Assert.Contains("forbidden_zero_bit", Assert.Throws<InvalidDataException>(() => HevcNalUnitHeader.Read([0xC2, 0x01])).Message, StringComparison.Ordinal);
        Assert.Contains("nuh_temporal_id_plus1 0", Assert.Throws<InvalidDataException>(() => HevcNalUnitHeader.Read([0x42, 0x00])).Message, StringComparison.Ordinal);
        Assert.Contains("shorter than its 2-byte header", Assert.Throws<InvalidDataException>(() => HevcNalUnitHeader.Read([0x42])).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => HevcNalUnitHeader.ReadType([]));
    }

    [Fact]
    public void Vcl_irap_and_sub_layer_non_reference_follow_table_7_1()
    {
        for (int type = 0; type < 64; type++)
        {
            var header = new HevcNalUnitHeader((HevcNalUnitType)type, 0, 0);

            Assert.Equal(type < 32, header.IsVcl);
            Assert.Equal(type is >= 16 and <= 21, header.IsIrap);
            Assert.Equal(type is 0 or 2 or 4 or 6 or 8 or 10 or 12 or 14, header.IsSubLayerNonReference);
        }
    }
}
