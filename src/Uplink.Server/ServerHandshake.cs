using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Uplink.Server;

/// <summary>
/// The server side of the RTMP handshake, as pure functions over buffers. A C1 with a zero version field
/// gets the simple handshake (S1 random, S2 an echo of C1). A C1 with a version (Flash Player 9 and later,
/// FFmpeg, OBS) carries an HMAC-SHA256 digest at one of two places; when it validates, S1 carries the
/// server's digest at the same place and S2 is signed with a key derived from the client's digest, as
/// Flash Media Server answers. A C1 whose digest does not validate falls back to the simple answer.
/// </summary>
internal static class ServerHandshake
{
    /// <summary>C0/S0 version byte for plain RTMP.</summary>
    public const byte Version = 3;

    /// <summary>Size of C1, S1, C2 and S2.</summary>
    public const int PacketSize = 1536;

    /// <summary>Size of S0 + S1 + S2.</summary>
    public const int ResponseSize = 1 + (2 * PacketSize);

    private const int DigestLength = 32;
    private const int PlayerKeyTextLength = 30;
    private const int ServerKeyTextLength = 36;

    /// <summary>The 32 bytes shared by both keys after their text ("Genuine Adobe Flash Player 001" / "… Media Server 001").</summary>
    private static ReadOnlySpan<byte> KeyTail =>
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    private static readonly byte[] PlayerKey = [.. "Genuine Adobe Flash Player 001"u8, .. KeyTail];
    private static readonly byte[] ServerKey = [.. "Genuine Adobe Flash Media Server 001"u8, .. KeyTail];

    /// <summary>The version S1 announces when answering a digest handshake (FMS 4.5.0.1 style).</summary>
    private static ReadOnlySpan<byte> ServerVersion => [4, 5, 0, 1];

    /// <summary>Which handshake a C1 asked for.</summary>
    public enum Kind
    {
        /// <summary>Zero version field, or a digest that did not validate: the simple handshake.</summary>
        Simple,

        /// <summary>Digest at the first scheme (offset base 8), as FFmpeg and Flash Player 9 send.</summary>
        DigestScheme1,

        /// <summary>Digest at the second scheme (offset base 772).</summary>
        DigestScheme2,
    }

    /// <summary>Where a scheme's digest sits: the sum of the four bytes at <paramref name="baseOffset"/>, mod 728, past those four bytes.</summary>
    public static int DigestOffset(ReadOnlySpan<byte> packet, int baseOffset) =>
        ((packet[baseOffset] + packet[baseOffset + 1] + packet[baseOffset + 2] + packet[baseOffset + 3]) % 728) + baseOffset + 4;

    /// <summary>HMAC-SHA256 with <paramref name="key"/> over the packet without the 32 digest bytes at <paramref name="gap"/>.</summary>
    public static void ComputeDigest(ReadOnlySpan<byte> packet, int gap, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        Span<byte> data = stackalloc byte[PacketSize - DigestLength];
        packet[..gap].CopyTo(data);
        packet[(gap + DigestLength)..PacketSize].CopyTo(data[gap..]);
        HMACSHA256.HashData(key, data, destination);
    }

    /// <summary>Finds which handshake <paramref name="c1"/> asks for and, for a digest one, where its digest is.</summary>
    public static Kind Classify(ReadOnlySpan<byte> c1, out int digestOffset)
    {
        digestOffset = -1;
        if (BinaryPrimitives.ReadUInt32BigEndian(c1[4..]) == 0)
        {
            return Kind.Simple;
        }

        Span<byte> digest = stackalloc byte[DigestLength];
        int offset = DigestOffset(c1, 8);
        ComputeDigest(c1, offset, PlayerKey.AsSpan(0, PlayerKeyTextLength), digest);
        if (CryptographicOperations.FixedTimeEquals(digest, c1.Slice(offset, DigestLength)))
        {
            digestOffset = offset;
            return Kind.DigestScheme1;
        }

        offset = DigestOffset(c1, 772);
        ComputeDigest(c1, offset, PlayerKey.AsSpan(0, PlayerKeyTextLength), digest);
        if (CryptographicOperations.FixedTimeEquals(digest, c1.Slice(offset, DigestLength)))
        {
            digestOffset = offset;
            return Kind.DigestScheme2;
        }

        return Kind.Simple;
    }

    /// <summary>Writes S0, S1 and S2 (<see cref="ResponseSize"/> bytes) answering <paramref name="c1"/>.</summary>
    /// <returns>The kind of handshake answered.</returns>
    public static Kind WriteResponse(ReadOnlySpan<byte> c1, Span<byte> destination, uint serverTime, uint c1ReadTime)
    {
        destination[0] = Version;
        Span<byte> s1 = destination.Slice(1, PacketSize);
        Span<byte> s2 = destination.Slice(1 + PacketSize, PacketSize);
        Kind kind = Classify(c1, out int clientDigestOffset);

        BinaryPrimitives.WriteUInt32BigEndian(s1, serverTime);
        RandomNumberGenerator.Fill(s1[8..]);
        if (kind == Kind.Simple)
        {
            s1.Slice(4, 4).Clear();
            c1[..PacketSize].CopyTo(s2);
            BinaryPrimitives.WriteUInt32BigEndian(s2[4..], c1ReadTime);
            return kind;
        }

        // S1: our version, our digest at the place the client's scheme puts it.
        ServerVersion.CopyTo(s1[4..]);
        int serverDigestOffset = DigestOffset(s1, kind == Kind.DigestScheme1 ? 8 : 772);
        ComputeDigest(s1, serverDigestOffset, ServerKey.AsSpan(0, ServerKeyTextLength), s1.Slice(serverDigestOffset, DigestLength));

        // S2: random, signed with HMAC(HMAC(full server key, client digest), S2 without its last 32 bytes).
        RandomNumberGenerator.Fill(s2);
        Span<byte> key = stackalloc byte[DigestLength];
        HMACSHA256.HashData(ServerKey, c1.Slice(clientDigestOffset, DigestLength), key);
        HMACSHA256.HashData(key, s2[..(PacketSize - DigestLength)], s2[(PacketSize - DigestLength)..]);
        return kind;
    }

    /// <summary>Test support: a client C1 with a digest at the given scheme (1 or 2), as FFmpeg builds it.</summary>
    internal static void WriteDigestC1(Span<byte> c1, int scheme)
    {
        RandomNumberGenerator.Fill(c1[..PacketSize]);
        BinaryPrimitives.WriteUInt32BigEndian(c1, 0);
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        int offset = DigestOffset(c1, scheme == 1 ? 8 : 772);
        ComputeDigest(c1, offset, PlayerKey.AsSpan(0, PlayerKeyTextLength), c1.Slice(offset, DigestLength));
    }

    /// <summary>Test support: whether S1 carries a valid server digest at either scheme, and S2 the matching signature for <paramref name="c1"/>'s digest.</summary>
    internal static bool VerifyDigestResponse(ReadOnlySpan<byte> c1, ReadOnlySpan<byte> s1, ReadOnlySpan<byte> s2)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        bool s1Valid = false;
        foreach (int baseOffset in (ReadOnlySpan<int>)[772, 8])
        {
            int offset = DigestOffset(s1, baseOffset);
            ComputeDigest(s1, offset, ServerKey.AsSpan(0, ServerKeyTextLength), digest);
            s1Valid |= digest.SequenceEqual(s1.Slice(offset, DigestLength));
        }

        if (Classify(c1, out int clientOffset) == Kind.Simple)
        {
            return false;
        }

        Span<byte> key = stackalloc byte[DigestLength];
        HMACSHA256.HashData(ServerKey, c1.Slice(clientOffset, DigestLength), key);
        HMACSHA256.HashData(key, s2[..(PacketSize - DigestLength)], digest);
        return s1Valid && digest.SequenceEqual(s2[(PacketSize - DigestLength)..PacketSize]);
    }
}
