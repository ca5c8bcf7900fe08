using System.Buffers.Binary;

namespace Uplink.Tests.Readers;

/// <summary>Builds FLV bytes tag by tag, for exact control over what the reader sees.</summary>
internal sealed class FlvTestWriter
{
    private readonly MemoryStream _output = new();

    public FlvTestWriter(byte headerFlags = 0x05, bool writeHeader = true)
    {
        if (writeHeader)
        {
            _output.Write("FLV"u8);
            _output.WriteByte(1);
            _output.WriteByte(headerFlags);
            _output.Write([0, 0, 0, 9, 0, 0, 0, 0]);
        }
    }

    /// <summary>The offset the next tag will start at.</summary>
    public long Offset => _output.Length;

    public FlvTestWriter Tag(byte typeByte, uint timestamp, ReadOnlySpan<byte> data, int? declaredSize = null, bool writePreviousTagSize = true)
    {
        int size = declaredSize ?? data.Length;
        _output.WriteByte(typeByte);
        WriteUInt24(size);
        WriteUInt24((int)(timestamp & 0xFFFFFF));
        _output.WriteByte((byte)(timestamp >> 24));
        WriteUInt24(0);
        _output.Write(data);
        if (writePreviousTagSize)
        {
            Span<byte> previous = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(previous, (uint)(11 + data.Length));
            _output.Write(previous);
        }

        return this;
    }

    public FlvTestWriter Video(uint timestamp, byte firstByte, byte packetType, int compositionTime, ReadOnlySpan<byte> payload)
    {
        byte[] data = new byte[5 + payload.Length];
        data[0] = firstByte;
        data[1] = packetType;
        data[2] = (byte)(compositionTime >> 16);
        data[3] = (byte)(compositionTime >> 8);
        data[4] = (byte)compositionTime;
        payload.CopyTo(data.AsSpan(5));
        return Tag(9, timestamp, data);
    }

    public FlvTestWriter AvcSequenceHeader(uint timestamp, ReadOnlySpan<byte> record) => Video(timestamp, 0x17, 0, 0, record);

    public FlvTestWriter AvcFrame(uint timestamp, bool keyframe, ReadOnlySpan<byte> nalUnits, int compositionTime = 0)
        => Video(timestamp, keyframe ? (byte)0x17 : (byte)0x27, 1, compositionTime, nalUnits);

    public FlvTestWriter Audio(uint timestamp, byte firstByte, byte packetType, ReadOnlySpan<byte> payload)
    {
        byte[] data = new byte[2 + payload.Length];
        data[0] = firstByte;
        data[1] = packetType;
        payload.CopyTo(data.AsSpan(2));
        return Tag(8, timestamp, data);
    }

    public FlvTestWriter AacSequenceHeader(uint timestamp, ReadOnlySpan<byte> audioSpecificConfig) => Audio(timestamp, 0xAF, 0, audioSpecificConfig);

    public FlvTestWriter AacFrame(uint timestamp, ReadOnlySpan<byte> frame) => Audio(timestamp, 0xAF, 1, frame);

    /// <summary>A script tag: AMF0 string <paramref name="name"/> then an ECMA array with one number property "duration".</summary>
    public FlvTestWriter Script(uint timestamp, string name, double duration)
    {
        var body = new MemoryStream();
        body.WriteByte(2);
        body.Write([(byte)(name.Length >> 8), (byte)name.Length]);
        body.Write(System.Text.Encoding.ASCII.GetBytes(name));
        body.WriteByte(8);
        body.Write([0, 0, 0, 1]);
        body.Write([0, 8]);
        body.Write("duration"u8);
        body.WriteByte(0);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(number, duration);
        body.Write(number);
        body.Write([0, 0, 9]);
        return Tag(18, timestamp, body.ToArray());
    }

    public FlvTestWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _output.ToArray();

    /// <summary>A 4-byte length-prefixed NAL unit of <paramref name="length"/> bytes filled with <paramref name="fill"/>.</summary>
    public static byte[] NalUnit(int length, byte fill)
    {
        byte[] unit = new byte[4 + length];
        BinaryPrimitives.WriteInt32BigEndian(unit, length);
        unit.AsSpan(4).Fill(fill);
        return unit;
    }

    private void WriteUInt24(int value)
    {
        _output.WriteByte((byte)(value >> 16));
        _output.WriteByte((byte)(value >> 8));
        _output.WriteByte((byte)value);
    }
}
