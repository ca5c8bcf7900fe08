using System.Net;
using Uplink.Protocol;
using Uplink.Server;
using Uplink.Session;
using Uplink.Tests.Server;

namespace Uplink.Tests.Session;

public class RtmpHandshakeTests
{
    [Fact]
    public void The_simple_C1_has_a_zero_version_field()
    {
        byte[] c0c1 = new byte[1537];
        RtmpHandshake.WriteC0C1(c0c1, 1234);
        Assert.Equal(3, c0c1[0]);
        Assert.Equal(new byte[4], c0c1[5..9]);
        Assert.Equal(ServerHandshake.Kind.Simple, ServerHandshake.Classify(c0c1.AsSpan(1), out _));
    }

    [Fact]
    public void The_digest_C1_validates_as_Flash_Player_9_scheme_1()
    {
        byte[] c0c1 = new byte[1537];
        RtmpHandshake.WriteC0C1(c0c1, 0, digest: true);
        Assert.Equal(ServerHandshake.Kind.DigestScheme1, ServerHandshake.Classify(c0c1.AsSpan(1), out _));
    }

    [Fact]
    public void C2_answers_a_digest_S1_with_a_signature_and_a_simple_S1_with_an_echo()
    {
        byte[] c0c1 = new byte[1537];
        RtmpHandshake.WriteC0C1(c0c1, 0, digest: true);
        byte[] response = new byte[ServerHandshake.ResponseSize];
        ServerHandshake.WriteResponse(c0c1.AsSpan(1), response, 0, 0);
        byte[] s1 = response[1..1537];
        byte[] c2 = new byte[1536];
        RtmpHandshake.WriteC2(s1, c2, 0);
        Assert.NotEqual(s1, c2);

        // The signature a Flash Media Server checks: HMAC(HMAC(player key, S1 digest), C2 without its last 32 bytes).
        int serverDigest = HandshakeDigest.Find(s1, HandshakeDigest.ServerKeyText);
        Assert.True(serverDigest > 0);
        byte[] expected = (byte[])c2.Clone();
        HandshakeDigest.SignResponse(expected, HandshakeDigest.PlayerKey, s1.AsSpan(serverDigest, 32));
        Assert.Equal(expected[^32..], c2[^32..]);

        byte[] simpleS1 = new byte[1536];
        Random.Shared.NextBytes(simpleS1);
        simpleS1.AsSpan(4, 4).Clear();
        RtmpHandshake.WriteC2(simpleS1, c2, 99);
        Assert.Equal(simpleS1[8..], c2[8..]);
    }

    [Fact]
    public async Task The_writer_publishes_with_the_digest_handshake_to_a_server_that_checks_it()
    {
        var logs = new ServerTestLogs();
        await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), LoggerFactory = logs });
        await server.StartAsync();
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/fp9", DigestHandshake = true });
        await writer.ConnectAsync();
        Assert.Equal(RtmpWriterStatus.Connected, writer.Status);
    }
}
