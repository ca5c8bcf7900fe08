using System.Security.Cryptography;

namespace Uplink.Protocol;

/// <summary>
/// The Flash Player 9 handshake's digests, shared by the client (<see cref="Session.RtmpHandshake"/>) and the embedded server:
/// an HMAC-SHA256 over a 1536-byte packet without the 32 digest bytes, which sit at an offset the packet itself
/// gives (scheme 1: base 8, as FFmpeg and Flash Player send; scheme 2: base 772).
/// </summary>
internal static class HandshakeDigest
{
    public const int PacketSize = 1536;
    public const int Length = 32;
    public const int PlayerKeyTextLength = 30;
    public const int ServerKeyTextLength = 36;

    /// <summary>The 32 bytes shared by both keys after their text ("Genuine Adobe Flash Player 001" / "… Media Server 001").</summary>
    private static ReadOnlySpan<byte> KeyTail =>
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    /// <summary>The player's key; its first 30 bytes (the text) sign C1, all of it derives the C2 key.</summary>
    public static readonly byte[] PlayerKey = [.. "Genuine Adobe Flash Player 001"u8, .. KeyTail];

    /// <summary>The server's key; its first 36 bytes (the text) sign S1, all of it derives the S2 key.</summary>
    public static readonly byte[] ServerKey = [.. "Genuine Adobe Flash Media Server 001"u8, .. KeyTail];

    /// <summary>Where a scheme's digest sits: the sum of the four bytes at <paramref name="baseOffset"/>, mod 728, past those four bytes.</summary>
    public static int Offset(ReadOnlySpan<byte> packet, int baseOffset) =>
        ((packet[baseOffset] + packet[baseOffset + 1] + packet[baseOffset + 2] + packet[baseOffset + 3]) % 728) + baseOffset + 4;

    /// <summary>HMAC-SHA256 with <paramref name="key"/> over the packet without the 32 digest bytes at <paramref name="gap"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> packet, int gap, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[PacketSize - Length];
        packet[..gap].CopyTo(data);
        packet[(gap + Length)..PacketSize].CopyTo(data[gap..]);
        HMACSHA256.HashData(key, data, destination);
    }

    /// <summary>Finds a valid digest signed with <paramref name="key"/> at either scheme; returns its offset, or -1.</summary>
    public static int Find(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[Length];
        foreach (int baseOffset in (ReadOnlySpan<int>)[8, 772])
        {
            int offset = Offset(packet, baseOffset);
            Compute(packet, offset, key, digest);
            if (CryptographicOperations.FixedTimeEquals(digest, packet.Slice(offset, Length)))
            {
                return offset;
            }
        }

        return -1;
    }

    /// <summary>Signs a packet's last 32 bytes with a key derived from the peer's digest (C2 from S1's digest, S2 from C1's).</summary>
    public static void SignResponse(Span<byte> packet, ReadOnlySpan<byte> fullKey, ReadOnlySpan<byte> peerDigest)
    {
        Span<byte> key = stackalloc byte[Length];
        HMACSHA256.HashData(fullKey, peerDigest, key);
        HMACSHA256.HashData(key, packet[..(PacketSize - Length)], packet[(PacketSize - Length)..PacketSize]);
    }
}
