namespace Uplink.Output;

/// <summary>One block of a <see cref="MessageArena"/>: messages are cut from it in order; it is reused once none is left alive.</summary>
internal sealed class ArenaChunk(MessageArena arena, byte[] buffer)
{
    public MessageArena Arena { get; } = arena;

    public byte[] Buffer { get; } = buffer;

    /// <summary>Bytes handed out so far (guarded by the arena's lock).</summary>
    public int Used { get; set; }

    /// <summary>Messages cut from this chunk and not yet released (guarded by the arena's lock).</summary>
    public int Live { get; set; }
}
