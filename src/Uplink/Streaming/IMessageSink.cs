using Uplink.Messages;

namespace Uplink.Streaming;

/// <summary>Takes the stream's messages in their final order: a destination's send queue.</summary>
internal interface IMessageSink
{
    /// <summary>Takes ownership of one reference to <paramref name="message"/> (it releases it once sent, dropped or cleared).</summary>
    void Enqueue(in OutgoingMessage message);
}
