namespace Uplink.Protocol.Chunks;

/// <summary>The peer broke the RTMP protocol (malformed chunk, out-of-bounds size, …).</summary>
internal sealed class RtmpProtocolException : Exception
{
    public RtmpProtocolException(string message)
        : base(message)
    {
    }
}
