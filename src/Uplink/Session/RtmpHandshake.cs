using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Uplink.Protocol;

namespace Uplink.Session;

/// <summary>
/// The simple RTMP handshake (C0/C1/C2), as pure functions over buffers. Any S1/S2 content is tolerated:
/// C2 echoes S1 and S2 is read and ignored, which every server we know accepts.
/// </summary>
internal static class RtmpHandshake
{
    public const byte Version = HandshakePacket.Version;
    public const int PacketSize = HandshakePacket.Size;

    /// <summary>The bytes the client sends in a handshake (C0, C1, C2).</summary>
    public const int BytesSent = 1 + (2 * PacketSize);

    /// <summary>Runs the client side of the handshake on <paramref name="stream"/>.</summary>
    /// <returns>The time from sending C0/C1 to having S0/S1: the first round trip.</returns>
    public static async Task<TimeSpan> RunAsync(Stream stream, bool digest, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 + (2 * PacketSize));
        try
        {
            WriteC0C1(buffer, 0, digest);
            long sent = System.Diagnostics.Stopwatch.GetTimestamp();
            await stream.WriteAsync(buffer.AsMemory(0, 1 + PacketSize), cancellationToken).ConfigureAwait(false);
            await ReadExactlyAsync(stream, buffer.AsMemory(0, 1 + PacketSize), "S0/S1", cancellationToken).ConfigureAwait(false);
            TimeSpan roundTrip = System.Diagnostics.Stopwatch.GetElapsedTime(sent);
            CheckS0(buffer[0]);
            byte[] c2 = ArrayPool<byte>.Shared.Rent(PacketSize);
            try
            {
                WriteC2(buffer.AsSpan(1, PacketSize), c2, (uint)Environment.TickCount);
                await stream.WriteAsync(c2.AsMemory(0, PacketSize), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(c2);
            }

            await ReadExactlyAsync(stream, buffer.AsMemory(0, PacketSize), "S2", cancellationToken).ConfigureAwait(false);
            return roundTrip;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake: server closed the connection before sending {what}");
        }
        catch (IOException ex)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake failed reading {what}: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Fills C0 (version 3) and C1 into 1537 bytes: time, four zero bytes and random for the simple handshake;
    /// with <paramref name="digest"/>, the Flash Player 9 form (a player version, then an HMAC-SHA256 digest at
    /// scheme 1, as FFmpeg sends) for servers that demand it.</summary>
    public static void WriteC0C1(Span<byte> destination, uint time, bool digest = false)
    {
        destination[0] = Version;
        Span<byte> c1 = destination.Slice(1, PacketSize);
        BinaryPrimitives.WriteUInt32BigEndian(c1, time);
        c1.Slice(4, 4).Clear();
        RandomNumberGenerator.Fill(c1[8..]);
        if (digest)
        {
            ReadOnlySpan<byte> playerVersion = [9, 0, 124, 2];
            playerVersion.CopyTo(c1[4..]);
            int offset = HandshakeDigest.Offset(c1, 8);
            HandshakeDigest.Compute(c1, offset, HandshakeDigest.PlayerKeyText, c1.Slice(offset, HandshakeDigest.Length));
        }
    }

    /// <summary>Checks S0's version; anything but 3 (e.g. 6, encrypted RTMPE) is refused with a clear reason.</summary>
    public static void CheckS0(byte s0)
    {
        if (s0 != Version)
        {
            throw new RtmpException(RtmpErrorKind.Handshake, $"RTMP handshake: server answered version {s0}, expected {Version} (is this an RTMP server?)");
        }
    }

    /// <summary>Writes C2: an echo of S1 with our read time in the second time field; or, when S1 carries a valid
    /// server digest (a Flash Media Server style answer to a digest C1), random bytes signed with a key derived from it.</summary>
    public static void WriteC2(ReadOnlySpan<byte> s1, Span<byte> c2, uint readTime)
    {
        int serverDigest = s1[4..8].IndexOfAnyExcept((byte)0) < 0 ? -1 : HandshakeDigest.Find(s1[..PacketSize], HandshakeDigest.ServerKeyText);
        if (serverDigest >= 0)
        {
            RandomNumberGenerator.Fill(c2[..PacketSize]);
            HandshakeDigest.SignResponse(c2, HandshakeDigest.PlayerKey, s1.Slice(serverDigest, HandshakeDigest.Length));
            return;
        }

        s1[..PacketSize].CopyTo(c2);
        BinaryPrimitives.WriteUInt32BigEndian(c2[4..], readTime);
    }
}
