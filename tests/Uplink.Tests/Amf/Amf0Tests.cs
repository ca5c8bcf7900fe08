using System.Buffers;
using Uplink.Protocol.Amf;

namespace Uplink.Tests.Amf;

public class Amf0Tests
{
    private static byte[] Write(Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        return w.WrittenSpan.ToArray();
    }

    [Fact]
    public void Number_is_marker_0_and_big_endian_double()
    {
        Assert.Equal(Convert.FromHexString("003FF0000000000000"), Write(w => Amf0Writer.WriteNumber(w, 1.0)));
    }

    [Fact]
    public void Boolean_string_null_and_undefined_have_their_markers()
    {
        Assert.Equal(Convert.FromHexString("0101"), Write(w => Amf0Writer.WriteBoolean(w, true)));
        Assert.Equal(Convert.FromHexString("0100"), Write(w => Amf0Writer.WriteBoolean(w, false)));
        Assert.Equal(Convert.FromHexString("020007636F6E6E656374"), Write(w => Amf0Writer.WriteString(w, "connect")));
        Assert.Equal(Convert.FromHexString("05"), Write(w => Amf0Writer.WriteNull(w)));
        Assert.Equal(Convert.FromHexString("06"), Write(w => Amf0Writer.WriteUndefined(w)));
    }

    [Fact]
    public void Object_has_names_without_markers_and_ends_with_000009()
    {
        byte[] bytes = Write(w => Amf0Writer.WriteValue(w, new AmfObject().Add("app", "live").Add("n", 2d)));
        Assert.Equal(Convert.FromHexString("03" + "0003617070" + "0200046C697665" + "00016E" + "004000000000000000" + "000009"), bytes);
    }

    [Fact]
    public void Ecma_array_carries_its_count()
    {
        byte[] bytes = Write(w => Amf0Writer.WriteValue(w, new AmfObject(isEcmaArray: true).Add("a", true)));
        Assert.Equal(Convert.FromHexString("0800000001" + "000161" + "0101" + "000009"), bytes);
    }

    [Fact]
    public void Strings_longer_than_65535_bytes_become_long_strings()
    {
        string s = new('x', 70000);
        byte[] bytes = Write(w => Amf0Writer.WriteString(w, s));
        Assert.Equal(0x0C, bytes[0]);
        Assert.Equal(5 + 70000, bytes.Length);
        Assert.Equal(s, new Amf0Reader(bytes).ReadValue());
    }

    [Fact]
    public void Values_round_trip_in_order()
    {
        var date = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        byte[] bytes = Write(w =>
        {
            Amf0Writer.WriteString(w, "_result");
            Amf0Writer.WriteNumber(w, 1);
            Amf0Writer.WriteValue(w, new AmfObject().Add("fmsVer", "FMS/3,0,1,123").Add("capabilities", 31d));
            Amf0Writer.WriteValue(w, new AmfObject().Add("level", "status").Add("code", "NetConnection.Connect.Success").Add("nested", new AmfObject().Add("x", null)));
            Amf0Writer.WriteValue(w, new object?[] { 1d, "two", null, false });
            Amf0Writer.WriteDate(w, date);
        });

        var r = new Amf0Reader(bytes);
        Assert.Equal("_result", r.ReadString());
        Assert.Equal(1d, r.ReadNumber());
        var props = Assert.IsType<AmfObject>(r.ReadValue());
        Assert.Equal("FMS/3,0,1,123", props.GetString("fmsVer"));
        Assert.Equal(31d, props.GetNumber("capabilities"));
        var info = Assert.IsType<AmfObject>(r.ReadValue());
        Assert.Equal(["level", "code", "nested"], info.Properties.Select(p => p.Key));
        Assert.Null(Assert.IsType<AmfObject>(info["nested"])["x"]);
        Assert.Equal(new object?[] { 1d, "two", null, false }, Assert.IsType<object?[]>(r.ReadValue()));
        Assert.Equal(date, r.ReadValue());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData("02", "needs 2 more bytes")]
    [InlineData("020010616263", "string of 16 bytes")]
    [InlineData("00010203", "needs 8 more bytes")]
    [InlineData("0A7FFFFFFF", "strict array of 2147483647 items")]
    [InlineData("0C80000000", "string of 2147483648 bytes")]
    [InlineData("07", "unsupported AMF0 type marker 0x07")]
    [InlineData("11", "unsupported AMF0 type marker 0x11")]
    [InlineData("030001", "string of 1 bytes")]
    public void Malformed_input_fails_with_a_clear_reason_and_offset(string hex, string expected)
    {
        byte[] bytes = Convert.FromHexString(hex);
        var ex = Assert.Throws<InvalidDataException>(() => new Amf0Reader(bytes).ReadValue());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        // 100 nested strict arrays of one element: a stack bomb unless depth is limited.
        byte[] bytes = [.. Enumerable.Repeat(Convert.FromHexString("0A00000001"), 100).SelectMany(b => b), 0x05];
        var ex = Assert.Throws<InvalidDataException>(() => new Amf0Reader(bytes).ReadValue());
        Assert.Contains("nest deeper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_only_ever_fail_with_InvalidDataException()
    {
        var random = new Random(1234);
        for (int i = 0; i < 20000; i++)
        {
            byte[] bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            bytes[0] = (byte)random.Next(0, 0x12);
            try
            {
                var r = new Amf0Reader(bytes);
                while (!r.IsAtEnd)
                {
                    r.ReadValue();
                }
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
