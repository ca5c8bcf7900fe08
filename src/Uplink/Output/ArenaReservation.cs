namespace Uplink.Output;

/// <summary>Bytes set aside in a <see cref="MessageArena"/> for a message being written in place.</summary>
/// <param name="Chunk">The chunk they belong to; null for a message too big for a chunk (an array of its own from the shared pool).</param>
/// <param name="Buffer">The array.</param>
/// <param name="Offset">Where they start in <paramref name="Buffer"/>.</param>
/// <param name="Size">How many were set aside.</param>
internal readonly record struct ArenaReservation(ArenaChunk? Chunk, byte[] Buffer, int Offset, int Size)
{
    public Span<byte> Span => Buffer.AsSpan(Offset, Size);
}
