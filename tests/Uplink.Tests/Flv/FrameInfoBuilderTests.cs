using Uplink.Protocol.Amf;
using Uplink.Buffers;
using Uplink.Flv;
using Uplink.Timecode;

namespace Uplink.Tests.Flv;

public class FrameInfoBuilderTests
{
    [Fact]
    public void Writes_onFI_then_an_ECMA_array_of_sd_and_st_as_FMLE_formats_them()
    {
        using var output = new PooledBufferWriter(256);
        FrameInfoBuilder.Write(output, new DateTime(2026, 3, 5, 7, 8, 9, 45), TimeSpan.FromSeconds(3), smpteFrameRate: null);

        byte[] expected =
        [
            0x02, 0x00, 0x04, .. "onFI"u8,
            0x08, 0x00, 0x00, 0x00, 0x02,
            0x00, 0x02, .. "sd"u8, 0x02, 0x00, 0x08, .. "05-03-26"u8,
            0x00, 0x02, .. "st"u8, 0x02, 0x00, 0x0C, .. "07:08:09.045"u8,
            0x00, 0x00, 0x09,
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Adds_tc_when_a_frame_rate_is_given()
    {
        using var output = new PooledBufferWriter(256);
        FrameInfoBuilder.Write(output, new DateTime(2026, 12, 31, 23, 59, 59, 999), TimeSpan.FromSeconds(61.2), smpteFrameRate: 25);

        var reader = new Amf0Reader(output.WrittenSpan.ToArray());
        Assert.Equal("onFI", reader.ReadString());
        var info = Assert.IsType<AmfObject>(reader.ReadValue());
        Assert.True(info.IsEcmaArray);
        Assert.Equal("31-12-26", info.GetString("sd"));
        Assert.Equal("23:59:59.999", info.GetString("st"));
        Assert.Equal("00:01:01:05", info.GetString("tc"));
        Assert.True(reader.IsAtEnd);
    }
}
