namespace Uplink.Protocol.Chunks;

/// <summary>The peer broke the RTMP protocol (malformed chunk, out-of-bounds size, …).</summary>
public sealed class RtmpProtocolException : Exception
{
    /// <summary>A protocol violation described by <paramref name="message"/>.</summary>
    public RtmpProtocolException(string message)
        : base(message)
    {
    }
}
