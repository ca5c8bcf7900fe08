using System.Security.Cryptography;

namespace Uplink.Protocol;

/// <summary>
/// The Flash Player 9 handshake's digests, shared by the client and the embedded server: an HMAC-SHA256 over a
/// 1536-byte packet without the 32 digest bytes, which sit at an offset the packet itself gives (scheme 1: base 8,
/// as FFmpeg and Flash Player send; scheme 2: base 772).
/// </summary>
public static class HandshakeDigest
{
    /// <summary>The length of a digest.</summary>
    public const int Length = 32;

    private const int PlayerKeyTextLength = 30;
    private const int ServerKeyTextLength = 36;

    // Arrays rather than spans over constant data: the HMAC calls take the full keys, and the text parts are slices.
    private static readonly byte[] s_playerKey = [.. "Genuine Adobe Flash Player 001"u8, .. KeyTail];
    private static readonly byte[] s_serverKey = [.. "Genuine Adobe Flash Media Server 001"u8, .. KeyTail];

    /// <summary>The player's full key: its text (<see cref="PlayerKeyText"/>) and 32 bytes that derive the C2 key.</summary>
    public static ReadOnlySpan<byte> PlayerKey => s_playerKey;

    /// <summary>The text part of the player's key, which signs C1.</summary>
    public static ReadOnlySpan<byte> PlayerKeyText => s_playerKey.AsSpan(0, PlayerKeyTextLength);

    /// <summary>The server's full key: its text (<see cref="ServerKeyText"/>) and 32 bytes that derive the S2 key.</summary>
    public static ReadOnlySpan<byte> ServerKey => s_serverKey;

    /// <summary>The text part of the server's key, which signs S1.</summary>
    public static ReadOnlySpan<byte> ServerKeyText => s_serverKey.AsSpan(0, ServerKeyTextLength);

    /// <summary>The 32 bytes both keys share after their text.</summary>
    private static ReadOnlySpan<byte> KeyTail =>
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    /// <summary>Where a scheme's digest sits: the sum of the four bytes at <paramref name="baseOffset"/>, mod 728, past those four bytes.</summary>
    public static int Offset(ReadOnlySpan<byte> packet, int baseOffset) =>
        ((packet[baseOffset] + packet[baseOffset + 1] + packet[baseOffset + 2] + packet[baseOffset + 3]) % 728) + baseOffset + 4;

    /// <summary>HMAC-SHA256 with <paramref name="key"/> over the packet without the 32 digest bytes at <paramref name="gap"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> packet, int gap, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[HandshakePacket.Size - Length];
        packet[..gap].CopyTo(data);
        packet[(gap + Length)..HandshakePacket.Size].CopyTo(data[gap..]);
        HMACSHA256.HashData(key, data, destination);
    }

    /// <summary>Whether the packet carries a valid digest signed with <paramref name="key"/> at the scheme with <paramref name="baseOffset"/>.</summary>
    /// <returns>The digest's offset, or -1.</returns>
    public static int Find(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key, int baseOffset)
    {
        Span<byte> digest = stackalloc byte[Length];
        int offset = Offset(packet, baseOffset);
        Compute(packet, offset, key, digest);
        return CryptographicOperations.FixedTimeEquals(digest, packet.Slice(offset, Length)) ? offset : -1;
    }

    /// <summary>Finds a valid digest signed with <paramref name="key"/> at either scheme (scheme 1 first).</summary>
    /// <returns>The digest's offset, or -1.</returns>
    public static int Find(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key)
    {
        int offset = Find(packet, key, 8);
        return offset >= 0 ? offset : Find(packet, key, 772);
    }

    /// <summary>Signs a packet's last 32 bytes with a key derived from the peer's digest (C2 from S1's digest, S2 from C1's).</summary>
    public static void SignResponse(Span<byte> packet, ReadOnlySpan<byte> fullKey, ReadOnlySpan<byte> peerDigest)
    {
        Span<byte> key = stackalloc byte[Length];
        HMACSHA256.HashData(fullKey, peerDigest, key);
        HMACSHA256.HashData(key, packet[..(HandshakePacket.Size - Length)], packet[(HandshakePacket.Size - Length)..HandshakePacket.Size]);
    }
}
