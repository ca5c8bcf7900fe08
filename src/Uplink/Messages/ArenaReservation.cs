namespace Uplink.Messages;

/// <summary>Bytes set aside in a <see cref="MessageArena"/> for a message being written in place.</summary>
/// <param name="Block">The block they belong to (a dedicated one for a message too big to share a block).</param>
/// <param name="Buffer">The array.</param>
/// <param name="Offset">Where they start in <paramref name="Buffer"/>.</param>
/// <param name="Size">How many were set aside.</param>
internal readonly record struct ArenaReservation(ArenaBlock Block, byte[] Buffer, int Offset, int Size)
{
    public Span<byte> Span => Buffer.AsSpan(Offset, Size);
}
