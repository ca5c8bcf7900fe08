using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Uplink.Protocol.Amf;

/// <summary>Writes AMF0 values into an <see cref="IBufferWriter{T}"/>. Allocation-free for the primitive writers.</summary>
internal static class Amf0Writer
{
    /// <summary>Deepest nesting WriteValue accepts, so a cyclic object graph fails instead of overflowing the stack.</summary>
    public const int MaxDepth = 32;

    public static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        Span<byte> span = output.GetSpan(9);
        span[0] = (byte)Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    public static void WriteBoolean(IBufferWriter<byte> output, bool value)
    {
        Span<byte> span = output.GetSpan(2);
        span[0] = (byte)Amf0Marker.Boolean;
        span[1] = value ? (byte)1 : (byte)0;
        output.Advance(2);
    }

    public static void WriteNull(IBufferWriter<byte> output) => WriteMarker(output, Amf0Marker.Null);

    public static void WriteUndefined(IBufferWriter<byte> output) => WriteMarker(output, Amf0Marker.Undefined);

    /// <summary>Writes a string value: a short string (0x02) up to 65535 UTF-8 bytes, a long string (0x0C) beyond.</summary>
    public static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<char> value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length <= ushort.MaxValue)
        {
            Span<byte> span = output.GetSpan(3 + length);
            span[0] = (byte)Amf0Marker.String;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            Encoding.UTF8.GetBytes(value, span[3..]);
            output.Advance(3 + length);
        }
        else
        {
            Span<byte> span = output.GetSpan(5 + length);
            span[0] = (byte)Amf0Marker.LongString;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            Encoding.UTF8.GetBytes(value, span[5..]);
            output.Advance(5 + length);
        }
    }

    /// <summary>Writes a property name (UTF-8 with a 16-bit length, no marker), as used inside objects and ECMA arrays.</summary>
    public static void WritePropertyName(IBufferWriter<byte> output, ReadOnlySpan<char> name)
    {
        int length = Encoding.UTF8.GetByteCount(name);
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"AMF0 property name is {length} bytes; at most 65535 fit.", nameof(name));
        }

        Span<byte> span = output.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(name, span[2..]);
        output.Advance(2 + length);
    }

    public static void WriteObjectStart(IBufferWriter<byte> output) => WriteMarker(output, Amf0Marker.Object);

    public static void WriteEcmaArrayStart(IBufferWriter<byte> output, uint count)
    {
        Span<byte> span = output.GetSpan(5);
        span[0] = (byte)Amf0Marker.EcmaArray;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], count);
        output.Advance(5);
    }

    /// <summary>Ends an object or ECMA array: an empty name followed by the object-end marker.</summary>
    public static void WriteObjectEnd(IBufferWriter<byte> output)
    {
        Span<byte> span = output.GetSpan(3);
        span[0] = 0;
        span[1] = 0;
        span[2] = (byte)Amf0Marker.ObjectEnd;
        output.Advance(3);
    }

    public static void WriteStrictArrayStart(IBufferWriter<byte> output, uint count)
    {
        Span<byte> span = output.GetSpan(5);
        span[0] = (byte)Amf0Marker.StrictArray;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], count);
        output.Advance(5);
    }

    /// <summary>Writes a date: milliseconds since the Unix epoch as a double, then a 16-bit time zone (always 0, as the spec advises).</summary>
    public static void WriteDate(IBufferWriter<byte> output, DateTimeOffset value)
    {
        Span<byte> span = output.GetSpan(11);
        span[0] = (byte)Amf0Marker.Date;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value.ToUnixTimeMilliseconds());
        span[9] = 0;
        span[10] = 0;
        output.Advance(11);
    }

    /// <summary>Writes any supported value: numbers (any .NET numeric type), bool, string, null, <see cref="AmfObject"/>,
    /// string-keyed dictionaries (as objects), lists/arrays (as strict arrays), dates.</summary>
    public static void WriteValue(IBufferWriter<byte> output, object? value) => WriteValue(output, value, 0);

    private static void WriteValue(IBufferWriter<byte> output, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"AMF0 value nests deeper than {MaxDepth} levels.", nameof(value));
        }

        switch (value)
        {
            case null:
                WriteNull(output);
                break;
            case string s:
                WriteString(output, s);
                break;
            case bool b:
                WriteBoolean(output, b);
                break;
            case double d:
                WriteNumber(output, d);
                break;
            case float or int or uint or long or ulong or short or ushort or byte or sbyte or decimal:
                WriteNumber(output, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                WriteDate(output, dto);
                break;
            case DateTime dt:
                WriteDate(output, new DateTimeOffset(dt.ToUniversalTime()));
                break;
            case AmfObject obj:
                if (obj.IsEcmaArray)
                {
                    WriteEcmaArrayStart(output, (uint)obj.Count);
                }
                else
                {
                    WriteObjectStart(output);
                }

                foreach (KeyValuePair<string, object?> p in obj.Properties)
                {
                    WritePropertyName(output, p.Key);
                    WriteValue(output, p.Value, depth + 1);
                }

                WriteObjectEnd(output);
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                WriteObjectStart(output);
                foreach (KeyValuePair<string, object?> p in dict)
                {
                    WritePropertyName(output, p.Key);
                    WriteValue(output, p.Value, depth + 1);
                }

                WriteObjectEnd(output);
                break;
            case IList list:
                WriteStrictArrayStart(output, (uint)list.Count);
                foreach (object? item in list)
                {
                    WriteValue(output, item, depth + 1);
                }

                break;
            default:
                throw new ArgumentException($"AMF0 cannot encode a value of type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteMarker(IBufferWriter<byte> output, Amf0Marker marker)
    {
        output.GetSpan(1)[0] = (byte)marker;
        output.Advance(1);
    }
}
