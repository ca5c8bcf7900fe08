namespace Uplink.Protocol.Chunks;

/// <summary>The chunk streams this publisher uses, one per kind of traffic so header compression works per track.</summary>
internal static class ChunkStreamIds
{
    /// <summary>Protocol control messages and user control messages (must be 2).</summary>
    public const int Control = 2;

    /// <summary>NetConnection commands.</summary>
    public const int Command = 3;

    /// <summary>Audio messages.</summary>
    public const int Audio = 4;

    /// <summary>Data messages (onMetaData, onFI).</summary>
    public const int Data = 5;

    /// <summary>Video messages.</summary>
    public const int Video = 6;

    /// <summary>NetStream commands (publish, deleteStream); FFmpeg uses 8 as well.</summary>
    public const int Stream = 8;

    /// <summary>Largest chunk stream id a 3-byte basic header can carry.</summary>
    public const int Max = 65599;
}
