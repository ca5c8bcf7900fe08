using Uplink.Protocol.Chunks;
using Uplink.Tests.Server;
using Xunit.Abstractions;

namespace Uplink.Tests.Hostile;

/// <summary>
/// Publishers that flood the relay far faster than its destination takes the stream: the relay never holds the publisher
/// back, drops in live mode instead of queueing without bound, and what it forwards arrives intact and in order.
/// Measures retained memory, so it runs alone.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public class RelayFloodTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = RelayRig.Bound;

    [Fact]
    public async Task A_flood_of_large_frames_to_a_slow_destination_is_dropped_not_queued()
    {
        // The destination takes a message every 20 ms; the publisher sends 1500 frames of 20 KB (30 MB) at once.
        await using RelayRig rig = await RelayRig.StartAsync(destinationDelay: TimeSpan.FromMilliseconds(20));
        var header = RelayRig.Stream.Take(3).ToList();
        var frames = Enumerable.Range(0, 1500).Select(i => (Type: RtmpMessageType.Video, Timestamp: (uint)(i * 40), Body: Frame(i, 20_000))).ToList();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        await using RawRtmpClient client = await rig.PublisherAsync();
        foreach (var m in header)
        {
            await RelayRig.SendAsync(client, m);
        }

        foreach (var m in frames)
        {
            await RelayRig.SendAsync(client, m).WaitAsync(Bound);
        }

        // The relay took every message without waiting for the destination.
        await rig.ReceivedAsync(0, header.Count + frames.Count);
        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        RtmpWriterStats stats = rig.Relays[0].Relay.GetStats();
        output.WriteLine($"retained {retained:N0} bytes after a {frames.Count * 20_000:N0}-byte flood; sent {stats.VideoFramesSent}, dropped {stats.VideoFramesDropped}");
        // The live buffer (8 MiB) plus socket buffers, the servers' read buffers and what the shared array pool keeps.
        Assert.True(retained < 4 * RtmpWriterOptions.DefaultLiveOutputBufferSize, $"the relay retained {retained:N0} bytes");
        Assert.True(stats.VideoFramesDropped > 0, "nothing was dropped: the flood was queued");

        // What reached the destination is intact and in order: a subsequence of what was sent.
        RelayRig.DestinationHandler destination = await rig.WaitForDestinationAsync(0);
        var sent = RelayRig.AudioVideo([.. header, .. frames]);
        AssertSubsequence(sent, destination.Messages);
    }

    [Fact]
    public async Task A_flood_of_tiny_messages_in_1_byte_chunks_is_relayed_intact()
    {
        await using RelayRig rig = await RelayRig.StartAsync();
        var header = RelayRig.Stream.Take(3).ToList();
        var tiny = Enumerable.Range(0, 5000).Select(i => (Type: RtmpMessageType.Audio, Timestamp: (uint)(i * 2), Body: new byte[] { 0xAF, 1, (byte)i, (byte)(i >> 8) })).ToList();
        await using (RawRtmpClient client = await rig.PublisherAsync())
        {
            foreach (var m in header)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendControlAsync(RtmpMessageType.SetChunkSize, 1);
            client.ChunkSize = 1;
            foreach (var m in tiny)
            {
                await RelayRig.SendAsync(client, m).WaitAsync(Bound);
            }

            await rig.ReceivedAsync(0, header.Count + tiny.Count);
            await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(1));
        }

        RelayRig.DestinationHandler destination = await rig.WaitForDestinationAsync(0);
        await destination.Ended.Task.WaitAsync(Bound);
        AssertSubsequence(RelayRig.AudioVideo([.. header, .. tiny]), destination.Messages);
        output.WriteLine($"{destination.Messages.Count} of {header.Count + tiny.Count} messages reached the destination");
        await rig.AssertServesANewPublisherAsync();
    }

    private static byte[] Frame(int i, int size)
    {
        byte[] body = new byte[size];
        body[0] = (byte)(i % 25 == 0 ? 0x17 : 0x27);
        body[1] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(5), size - 9);
        body[9] = (byte)(i % 25 == 0 ? 0x65 : 0x41);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(10), i);
        return body;
    }

    private static void AssertSubsequence<T>(IReadOnlyList<T> sent, IReadOnlyList<T> got)
    {
        int at = 0;
        foreach (T item in got)
        {
            while (at < sent.Count && !EqualityComparer<T>.Default.Equals(sent[at], item))
            {
                at++;
            }

            Assert.True(at < sent.Count, $"{item} reached the destination but was not sent (or out of order)");
            at++;
        }
    }
}
