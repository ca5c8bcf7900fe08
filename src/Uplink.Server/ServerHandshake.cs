using System.Buffers.Binary;
using System.Security.Cryptography;
using Uplink.Protocol;

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
    public const byte Version = HandshakePacket.Version;

    /// <summary>Size of C1, S1, C2 and S2.</summary>
    public const int PacketSize = HandshakePacket.Size;

    /// <summary>Size of S0 + S1 + S2.</summary>
    public const int ResponseSize = 1 + (2 * PacketSize);

    private const int DigestLength = HandshakeDigest.Length;

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

    /// <summary>Where a scheme's digest sits (see <see cref="HandshakeDigest.Offset"/>).</summary>
    public static int DigestOffset(ReadOnlySpan<byte> packet, int baseOffset) => HandshakeDigest.Offset(packet, baseOffset);

    /// <summary>Finds which handshake <paramref name="c1"/> asks for and, for a digest one, where its digest is.</summary>
    public static Kind Classify(ReadOnlySpan<byte> c1, out int digestOffset)
    {
        digestOffset = -1;
        if (BinaryPrimitives.ReadUInt32BigEndian(c1[4..]) == 0)
        {
            return Kind.Simple;
        }

        digestOffset = HandshakeDigest.Find(c1, HandshakeDigest.PlayerKeyText, 8);
        if (digestOffset >= 0)
        {
            return Kind.DigestScheme1;
        }

        digestOffset = HandshakeDigest.Find(c1, HandshakeDigest.PlayerKeyText, 772);
        return digestOffset >= 0 ? Kind.DigestScheme2 : Kind.Simple;
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
        HandshakeDigest.Compute(s1, serverDigestOffset, HandshakeDigest.ServerKeyText, s1.Slice(serverDigestOffset, DigestLength));

        // S2: random, signed with HMAC(HMAC(full server key, client digest), S2 without its last 32 bytes).
        RandomNumberGenerator.Fill(s2);
        HandshakeDigest.SignResponse(s2, HandshakeDigest.ServerKey, c1.Slice(clientDigestOffset, DigestLength));
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
        HandshakeDigest.Compute(c1, offset, HandshakeDigest.PlayerKeyText, c1.Slice(offset, DigestLength));
    }

    /// <summary>Test support: whether S1 carries a valid server digest at either scheme, and S2 the matching signature for <paramref name="c1"/>'s digest.</summary>
    internal static bool VerifyDigestResponse(ReadOnlySpan<byte> c1, ReadOnlySpan<byte> s1, ReadOnlySpan<byte> s2)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        bool s1Valid = false;
        foreach (int baseOffset in (ReadOnlySpan<int>)[772, 8])
        {
            int offset = DigestOffset(s1, baseOffset);
            HandshakeDigest.Compute(s1, offset, HandshakeDigest.ServerKeyText, digest);
            s1Valid |= digest.SequenceEqual(s1.Slice(offset, DigestLength));
        }

        if (Classify(c1, out int clientOffset) == Kind.Simple)
        {
            return false;
        }

        Span<byte> key = stackalloc byte[DigestLength];
        HMACSHA256.HashData(HandshakeDigest.ServerKey, c1.Slice(clientOffset, DigestLength), key);
        HMACSHA256.HashData(key, s2[..(PacketSize - DigestLength)], digest);
        return s1Valid && digest.SequenceEqual(s2[(PacketSize - DigestLength)..PacketSize]);
    }
}
