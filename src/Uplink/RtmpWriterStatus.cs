namespace Uplink;

/// <summary>The writer's connection state. The numbers are part of the contract (the original filter's
/// <c>RTMPWriterConnected=0</c>, <c>RTMPWriterDisconnected=1</c>, <c>RTMPWriterReconnecting=2</c>).</summary>
public enum RtmpWriterStatus
{
    /// <summary>Connected and publishing (or ready to).</summary>
    Connected = 0,

    /// <summary>Not connected: not yet, after <see cref="RtmpWriter.DisconnectAsync"/>, or after the connection was lost.</summary>
    Disconnected = 1,

    /// <summary>The connection was lost and the writer is trying to restore it.</summary>
    Reconnecting = 2,
}
