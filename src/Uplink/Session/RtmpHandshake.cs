using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Uplink.Session;

/// <summary>
/// The simple RTMP handshake (C0/C1/C2), as pure functions over buffers. Any S1/S2 content is tolerated:
/// C2 echoes S1 and S2 is read and ignored, which every server we know accepts.
/// </summary>
internal static class RtmpHandshake
{
    public const byte Version = 3;
    public const int PacketSize = 1536;

    /// <summary>Fills C0 (version 3) and C1 (time, four zero bytes, random) into 1537 bytes.</summary>
    public static void WriteC0C1(Span<byte> destination, uint time)
    {
        destination[0] = Version;
        Span<byte> c1 = destination.Slice(1, PacketSize);
        BinaryPrimitives.WriteUInt32BigEndian(c1, time);
        c1.Slice(4, 4).Clear();
        RandomNumberGenerator.Fill(c1[8..]);
    }

    /// <summary>Checks S0's version; anything but 3 (e.g. 6, encrypted RTMPE) is refused with a clear reason.</summary>
    public static void CheckS0(byte s0)
    {
        if (s0 != Version)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake: server answered version {s0}, expected {Version} (is this an RTMP server?)");
        }
    }

    /// <summary>Writes C2: an echo of S1 with our read time in the second time field.</summary>
    public static void WriteC2(ReadOnlySpan<byte> s1, Span<byte> c2, uint readTime)
    {
        s1[..PacketSize].CopyTo(c2);
        BinaryPrimitives.WriteUInt32BigEndian(c2[4..], readTime);
    }
}
