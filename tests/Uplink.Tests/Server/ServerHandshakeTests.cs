using System.Buffers.Binary;
using Uplink.Server;

namespace Uplink.Tests.Server;

public class ServerHandshakeTests
{
    [Fact]
    public void A_zero_version_C1_gets_the_simple_handshake_with_S2_echoing_C1()
    {
        byte[] c1 = new byte[ServerHandshake.PacketSize];
        Random.Shared.NextBytes(c1.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(c1, 1234);
        byte[] response = new byte[ServerHandshake.ResponseSize];

        var kind = ServerHandshake.WriteResponse(c1, response, serverTime: 99, c1ReadTime: 100);

        Assert.Equal(ServerHandshake.Kind.Simple, kind);
        Assert.Equal(3, response[0]);
        Assert.Equal(99u, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(1)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(5)));
        byte[] s2 = response[(1 + ServerHandshake.PacketSize)..];
        Assert.Equal(1234u, BinaryPrimitives.ReadUInt32BigEndian(s2));
        Assert.Equal(100u, BinaryPrimitives.ReadUInt32BigEndian(s2.AsSpan(4)));
        Assert.Equal(c1[8..], s2[8..]);
    }

    [Theory]
    [InlineData(1, (int)ServerHandshake.Kind.DigestScheme1)]
    [InlineData(2, (int)ServerHandshake.Kind.DigestScheme2)]
    public void A_signed_C1_is_found_at_its_scheme_and_answered_with_a_signed_S1_and_S2(int scheme, int expected)
    {
        byte[] c1 = new byte[ServerHandshake.PacketSize];
        ServerHandshake.WriteDigestC1(c1, scheme);
        byte[] response = new byte[ServerHandshake.ResponseSize];

        var kind = ServerHandshake.WriteResponse(c1, response, 0, 0);

        Assert.Equal((ServerHandshake.Kind)expected, kind);
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(5)));
        Assert.True(ServerHandshake.VerifyDigestResponse(c1, response.AsSpan(1, ServerHandshake.PacketSize), response.AsSpan(1 + ServerHandshake.PacketSize)));
    }

    [Fact]
    public void A_versioned_C1_with_a_wrong_digest_falls_back_to_the_simple_handshake()
    {
        byte[] c1 = new byte[ServerHandshake.PacketSize];
        ServerHandshake.WriteDigestC1(c1, 1);
        int offset = ServerHandshake.DigestOffset(c1, 8);
        c1[offset] ^= 0xFF;
        byte[] response = new byte[ServerHandshake.ResponseSize];

        Assert.Equal(ServerHandshake.Kind.Simple, ServerHandshake.WriteResponse(c1, response, 0, 0));
        Assert.Equal(c1[8..], response[(1 + ServerHandshake.PacketSize + 8)..]);
    }

    [Fact]
    public void Digest_offsets_follow_the_sum_of_four_bytes_mod_728()
    {
        byte[] packet = new byte[ServerHandshake.PacketSize];
        packet[8] = 255;
        packet[9] = 255;
        packet[10] = 255;
        packet[11] = 255;
        packet[772] = 1;
        Assert.Equal((1020 % 728) + 12, ServerHandshake.DigestOffset(packet, 8));
        Assert.Equal(1 + 776, ServerHandshake.DigestOffset(packet, 772));
    }
}
