using Uplink.Codecs.Av1;
using static Uplink.Tests.Codecs.Av1.Av1TestBitstream;

namespace Uplink.Tests.Codecs.Av1;

public class Av1ObuEnumeratorTests
{
    public static TheoryData<string> CaseNames => Av1TestData.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Real_temporal_units_split_into_obus_that_cover_them(string name)
    {
        foreach (byte[] unit in Av1TestData.Cases[name].TemporalUnits)
        {
            var types = new List<Av1ObuType>();
            int end = 0;
            foreach (Av1Obu obu in new Av1ObuEnumerator(unit))
            {
                Assert.Equal(end, obu.Offset);
                Assert.True(obu.HasSizeField);
                Assert.False(obu.HasExtension);
                types.Add(obu.Type);
                end = obu.Offset + obu.Bytes.Length;
            }

            Assert.Equal(unit.Length, end);
            Assert.Equal(Av1ObuType.TemporalDelimiter, types[0]);
            Assert.Contains(types[1], new[] { Av1ObuType.SequenceHeader, Av1ObuType.Frame, Av1ObuType.FrameHeader });
        }
    }

    [Fact]
    public void The_last_obu_may_leave_out_its_size_and_fill_the_rest()
    {
        byte[] unit = [.. TemporalDelimiter(), .. Obu(6, [1, 2, 3, 4], sizeField: false)];

        var enumerator = new Av1ObuEnumerator(unit);
        Assert.True(enumerator.MoveNext());
        Assert.True(enumerator.MoveNext());
        Av1Obu frame = enumerator.Current;

        Assert.Equal(Av1ObuType.Frame, frame.Type);
        Assert.False(frame.HasSizeField);
        Assert.Equal(1, frame.HeaderLength);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, frame.Payload.ToArray());
        Assert.False(enumerator.MoveNext());
    }

    [Fact]
    public void An_extension_header_gives_the_temporal_and_spatial_ids()
    {
        byte[] unit = Obu(6, [9, 9], extension: (5, 2));

        var enumerator = new Av1ObuEnumerator(unit);
        Assert.True(enumerator.MoveNext());
        Av1Obu obu = enumerator.Current;

        Assert.True(obu.HasExtension);
        Assert.Equal((5, 2), (obu.TemporalId, obu.SpatialId));
        Assert.Equal(3, obu.HeaderLength);
        Assert.Equal(new byte[] { 9, 9 }, obu.Payload.ToArray());
    }

    [Fact]
    public void An_empty_buffer_has_no_obus()
    {
        Assert.False(new Av1ObuEnumerator([]).MoveNext());
    }

    [Theory]
    [InlineData("1200 8A", "temporal unit OBU header at offset 2 has obu_forbidden_bit set")]
    [InlineData("1200 36", "temporal unit OBU at offset 2 ends inside its extension header")]
    [InlineData("1200 3205 0102", "temporal unit OBU at offset 2 declares 5 payload bytes, but 2 follow")]
    [InlineData("32 80", "temporal unit OBU size at offset 1 is cut short after 1 bytes")]
    [InlineData("32 FFFFFFFFFFFFFFFF01", "temporal unit OBU size at offset 1 is longer than 8 bytes")]
    [InlineData("32 8080808010", "temporal unit OBU size at offset 1 is 4294967296, more than 2^32 - 1")]
    [InlineData("32 FFFFFFFF0F", "temporal unit OBU at offset 0 declares 4294967295 payload bytes, but 0 follow")]
    public void Malformed_framing_throws_naming_the_offset(string hex, string message)
    {
        byte[] data = CodecTestData.Hex(hex);

        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (Av1Obu obu in new Av1ObuEnumerator(data))
            {
                _ = obu.Type;
            }
        });

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Config_obus_require_size_fields()
    {
        byte[] data = [.. TemporalDelimiter(), .. Obu(5, [1], sizeField: false)];

        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (Av1Obu obu in new Av1ObuEnumerator(data, "av1C configOBUs", requireSizeFields: true))
            {
                _ = obu.Type;
            }
        });

        Assert.Equal("av1C configOBUs OBU at offset 2 has no obu_size field", e.Message);
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void Leb128_writes_the_shortest_form_and_reads_it_back(uint value, string hex)
    {
        byte[] buffer = new byte[Leb128.MaxBytes];

        int written = Leb128.Write(value, buffer);

        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written));
        Assert.Equal(written, Leb128.SizeOf(value));
        Assert.Equal(value, Leb128.Read(buffer, 0, "test", "value", out int read));
        Assert.Equal(written, read);
    }

    [Fact]
    public void Leb128_reads_padded_forms()
    {
        Assert.Equal(5u, Leb128.Read([0x85, 0x80, 0x80, 0x00], 0, "test", "value", out int length));
        Assert.Equal(4, length);
    }
}
