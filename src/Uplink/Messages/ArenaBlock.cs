namespace Uplink.Messages;

/// <summary>
/// One block of a <see cref="MessageArena"/>. A shared block has messages cut from it in order and is reused once none
/// is left alive; a dedicated block holds one message too big to share a block (a keyframe, mostly). Either way
/// <see cref="Live"/> counts the references still held — a message sent to several destinations holds one each.
/// </summary>
internal sealed class ArenaBlock(MessageArena arena, byte[] buffer)
{
    public MessageArena Arena { get; } = arena;

    /// <summary>The bytes; a dedicated block gets a new array each time it is used (guarded by the arena's lock).</summary>
    public byte[] Buffer { get; set; } = buffer;

    /// <summary>Holds one message's array from the shared pool, returned when its last reference goes.</summary>
    public bool Dedicated { get; init; }

    /// <summary>Bytes handed out so far (guarded by the arena's lock).</summary>
    public int Used { get; set; }

    /// <summary>References to messages in this block not yet released (guarded by the arena's lock).</summary>
    public int Live { get; set; }
}
