namespace Uplink;

/// <summary>The timestamps a connection made after a loss carries (<see cref="RtmpReconnectOptions.Timestamps"/>).</summary>
public enum RtmpReconnectTimestamps
{
    /// <summary>
    /// They start again, one frame interval in, as OBS's and a restarted FFmpeg's do. A server that joins a publisher's
    /// connections into one stream (Node-Media-Server adds the previous connection's last timestamp when the same address
    /// publishes again within 30 s) records it continuous; a server that starts a new stream per publish is not affected.
    /// </summary>
    Restart,

    /// <summary>They go on where the stream is, for a server that lines the new publish up with the old one by timestamp.</summary>
    Continue,
}
