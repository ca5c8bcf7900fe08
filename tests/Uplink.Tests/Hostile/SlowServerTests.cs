using Uplink.Protocol.Chunks;
using Uplink.Tests.Session;

namespace Uplink.Tests.Hostile;

/// <summary>A server that answers correctly but one byte at a time: the client waits as long as the connect timeout allows.</summary>
public class SlowServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_server_answering_byte_by_byte_is_published_to_within_a_generous_timeout()
    {
        // Handshake, connect answer and publish answer one byte per write, with a pause every 16 bytes (about 1 s in all).
        await using var server = new ScriptedRtmpServer { SlowPieceSize = 1, SlowPiecesPerDelay = 16 };
        var video = ElementaryStreams.VideoAccessUnits();
        await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, ConnectTimeout = TimeSpan.FromSeconds(25) }))
        {
            await writer.ConnectAsync().WaitAsync(Bound);
            await writer.WriteVideoAsync(video[0], TimeSpan.Zero, TimeSpan.Zero).AsTask().WaitAsync(Bound);
            await writer.DisconnectAsync().WaitAsync(Bound);
        }

        await server.ConnectionEnded.Task.WaitAsync(Bound);
        Assert.Single(server.Media, m => m.Type == RtmpMessageType.Video && m.Payload[1] == 1);
    }

    [Fact]
    public async Task A_server_slower_than_the_connect_timeout_fails_with_a_timeout_naming_the_stage()
    {
        await using var server = new ScriptedRtmpServer { SlowPieceSize = 1, SlowDelay = TimeSpan.FromMilliseconds(20) };
        await using var writer = new RtmpWriter(new RtmpWriterOptions { Url = server.Url(), Audio = null, ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<RtmpException>(() => writer.ConnectAsync().WaitAsync(Bound));
        HostileServerRun.AssertClear(ex, RtmpErrorKind.Timeout, "handshake");
    }
}
