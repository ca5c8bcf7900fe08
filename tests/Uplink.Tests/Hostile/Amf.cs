using System.Buffers;
using Uplink.Protocol.Amf;

namespace Uplink.Tests.Hostile;

/// <summary>AMF0 command bodies for hostile answers: well-formed ones built with the writer, broken ones by hand.</summary>
internal static class Amf
{
    /// <summary>name, transaction, command object, then the arguments; each a value the AMF0 writer takes, or raw AMF bytes.</summary>
    public static byte[] Command(string name, object transaction, params object?[] values)
    {
        var body = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(body, name);
        Value(body, transaction);
        foreach (object? value in values)
        {
            Value(body, value);
        }

        return body.WrittenSpan.ToArray();
    }

    /// <summary>A status object with only the given properties.</summary>
    public static AmfObject Status(params (string Name, object? Value)[] properties)
    {
        var o = new AmfObject();
        foreach ((string name, object? value) in properties)
        {
            o.Add(name, value);
        }

        return o;
    }

    /// <summary>Objects nested <paramref name="depth"/> deep, each holding the next under "a".</summary>
    public static byte[] DepthBomb(int depth)
    {
        var b = new List<byte>();
        for (int i = 0; i < depth; i++)
        {
            b.AddRange([0x03, 0x00, 0x01, (byte)'a']);
        }

        b.Add(0x05);
        for (int i = 0; i < depth; i++)
        {
            b.AddRange([0x00, 0x00, 0x09]);
        }

        return [.. b];
    }

    private static void Value(ArrayBufferWriter<byte> body, object? value)
    {
        if (value is byte[] raw)
        {
            body.Write(raw);
        }
        else
        {
            Amf0Writer.WriteValue(body, value);
        }
    }
}
