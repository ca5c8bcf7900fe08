using Uplink.Buffers;
using Uplink.Protocol.Amf;
using Uplink.Protocol.Chunks;

namespace Uplink.Protocol;

/// <summary>
/// AMF0 command messages (RTMP specification 7.1.1): name, transaction id, command object, then arguments.
/// Encoding goes through a reused buffer, so one instance belongs to one connection and is used under its send lock.
/// </summary>
public sealed class RtmpCommandCodec : IDisposable
{
    /// <summary>The most values after the transaction id that <see cref="Parse"/> keeps; a command has a handful.</summary>
    public const int MaxArguments = 16;

    private readonly PooledBufferWriter _scratch = new(1024);

    /// <summary>Encodes a command and queues it to <paramref name="sink"/>.</summary>
    public void Enqueue(IRtmpMessageSink sink, int chunkStreamId, uint streamId, string name, double transaction, AmfObject? commandObject, params ReadOnlySpan<object?> arguments)
    {
        _scratch.Clear();
        Amf0Writer.WriteString(_scratch, name);
        Amf0Writer.WriteNumber(_scratch, transaction);
        Amf0Writer.WriteValue(_scratch, commandObject);
        foreach (object? argument in arguments)
        {
            Amf0Writer.WriteValue(_scratch, argument);
        }

        sink.Enqueue(chunkStreamId, RtmpMessageType.CommandAmf0, 0, streamId, _scratch.WrittenSpan);
    }

    /// <summary>Decodes an AMF0 command payload (for AMF3 commands, the payload after its leading format byte).</summary>
    /// <exception cref="InvalidDataException">The payload is not a well-formed command.</exception>
    public static RtmpCommand Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new Amf0Reader(payload);
        string name = reader.ReadString();
        double transaction = reader.IsAtEnd ? 0 : reader.ReadValue() as double? ?? 0;
        var arguments = new List<object?>(4);
        while (!reader.IsAtEnd && arguments.Count < MaxArguments)
        {
            arguments.Add(reader.ReadValue());
        }

        return new RtmpCommand(name, transaction, [.. arguments]);
    }

    /// <summary>Returns the encoding buffer to the pool.</summary>
    public void Dispose() => _scratch.Dispose();
}
