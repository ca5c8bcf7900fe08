using Uplink.Protocol.Amf;

namespace Uplink.Protocol;

/// <summary>A decoded command message: its name, transaction id and the values after them (the first is the
/// command object, often null).</summary>
public sealed class RtmpCommand
{
    internal RtmpCommand(string name, double transaction, object?[] arguments)
    {
        Name = name;
        Transaction = transaction;
        Arguments = arguments;
    }

    /// <summary>The command name (<c>connect</c>, <c>_result</c>, <c>onStatus</c>, …).</summary>
    public string Name { get; }

    /// <summary>The transaction id; 0 when the sender expects no reply.</summary>
    public double Transaction { get; }

    /// <summary>The values after the transaction id, command object first (at most <see cref="RtmpCommandCodec.MaxArguments"/>).</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>The command object, when the first value is one.</summary>
    public AmfObject? CommandObject => Arguments.Count > 0 ? Arguments[0] as AmfObject : null;

    /// <summary>The value at <paramref name="index"/> in <see cref="Arguments"/>, or null past the end.</summary>
    public object? Argument(int index) => index < Arguments.Count ? Arguments[index] : null;
}
