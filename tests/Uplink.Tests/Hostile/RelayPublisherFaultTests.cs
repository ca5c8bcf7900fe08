using Uplink.Protocol.Chunks;
using Uplink.Tests.Server;

namespace Uplink.Tests.Hostile;

/// <summary>
/// Publishers that break off or send garbage, relayed: everything the relay received intact before the fault reaches the
/// destination unchanged, the destination's publish ends cleanly with the publisher's, and the server takes the next one.
/// </summary>
public class RelayPublisherFaultTests
{
    private static readonly TimeSpan Bound = RelayRig.Bound;

    public enum Cut
    {
        Close,
        Reset,
    }

    [Theory]
    [InlineData(Cut.Close)]
    [InlineData(Cut.Reset)]
    public async Task A_publisher_cut_off_half_way_through_a_video_message(Cut cut)
    {
        await using RelayRig rig = await RelayRig.StartAsync();
        var sent = RelayRig.Stream.Take(40).ToList();
        RawRtmpClient client = await rig.PublisherAsync();
        foreach (var m in sent)
        {
            await RelayRig.SendAsync(client, m);
        }

        // A reset discards what the relay server has not read yet: cut only once it has the whole stream so far.
        await rig.ReceivedAsync(0, sent.Count);

        // A 10 KB video frame in 4 KB chunks: the first chunk and a half, then the connection ends.
        byte[] frame = [0x27, 1, 0, 0, 0, .. Enumerable.Range(0, 10_000).Select(i => (byte)i)];
        byte[] chunks = client.Chunked(4, RtmpMessageType.Video, 1, frame, 5000);
        await client.SendRawAsync(chunks.AsMemory(0, 6000));
        if (cut == Cut.Reset)
        {
            client.Reset();
        }

        await client.DisposeAsync();

        RelayRig.DestinationHandler destination = await rig.WaitForDestinationAsync(0);
        await destination.Ended.Task.WaitAsync(Bound);
        Assert.Equal(RelayRig.AudioVideo(sent), destination.Messages);
        await rig.AssertServesANewPublisherAsync();
    }

    public static TheoryData<string> GarbageCases() => [.. Garbage.Keys];

    /// <summary>Garbage after the first 40 messages, and whether the connection survives it (the rest of the stream then follows).</summary>
    private static readonly Dictionary<string, (Func<RawRtmpClient, byte[]> Bytes, bool Survives)> Garbage = new()
    {
        ["random bytes"] = (_ => RandomBytes(64 * 1024, 1), false),
        ["a command with a garbage AMF body"] = (c => c.Chunked(3, RtmpMessageType.CommandAmf0, 0, RandomBytes(300, 2)), false),
        ["a data message with a garbage AMF body"] = (c => c.Chunked(5, RtmpMessageType.DataAmf0, 1, RandomBytes(300, 3)), true),
        ["a video message with a garbage body"] = (c => c.Chunked(4, RtmpMessageType.Video, 1, RandomBytes(3000, 4), 1300), true),
        ["an empty video message"] = (c => c.Chunked(4, RtmpMessageType.Video, 1, [], 1300), true),
        ["an empty audio message"] = (c => c.Chunked(4, RtmpMessageType.Audio, 1, [], 1300), true),
        ["an aggregate whose inner sizes lie"] = (c => c.Chunked(4, RtmpMessageType.Aggregate, 1, LyingAggregate(), 1300), true),
        ["an aggregate of one empty tag"] = (c => c.Chunked(4, RtmpMessageType.Aggregate, 1, [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11], 1300), true),
        ["a set chunk size of 0"] = (c => c.Chunked(2, RtmpMessageType.SetChunkSize, 0, [0, 0, 0, 0]), false),
        ["a message announced at 16 MB"] = (_ => [0x04, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0, 0x17, 1], false),
    };

    [Theory]
    [MemberData(nameof(GarbageCases))]
    public async Task Garbage_after_a_valid_publish(string garbage)
    {
        (Func<RawRtmpClient, byte[]> bytes, bool survives) = Garbage[garbage];
        await using RelayRig rig = await RelayRig.StartAsync();
        var before = RelayRig.Stream.Take(40).ToList();
        var after = RelayRig.Stream.Skip(40).ToList();
        await using (RawRtmpClient client = await rig.PublisherAsync())
        {
            foreach (var m in before)
            {
                await RelayRig.SendAsync(client, m);
            }

            await client.SendRawAsync(bytes(client));
            if (survives)
            {
                foreach (var m in after)
                {
                    await RelayRig.SendAsync(client, m);
                }

                await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            }

            // The server ends the publish (unpublished, or closed for the garbage, or idle): then the connection.
            Assert.True(await client.WaitForCloseAsync(Bound) || survives, "the server kept a connection that sent garbage");
        }

        RelayRig.DestinationHandler destination = await rig.WaitForDestinationAsync(0);
        await destination.Ended.Task.WaitAsync(Bound);
        var expected = RelayRig.AudioVideo(before);
        var got = destination.Messages;
        Assert.Equal(expected, got.Take(expected.Count));
        if (survives)
        {
            // What came after the garbage arrives too; the garbage itself may or may not be forwarded (as it was).
            var rest = RelayRig.AudioVideo(after);
            Assert.Equal(rest, got.Skip(got.Count - rest.Count));
            Assert.InRange(got.Count - expected.Count - rest.Count, 0, 2);
        }
        else
        {
            Assert.Equal(expected, got);
        }

        await rig.AssertServesANewPublisherAsync();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>Two tags: the first claims 1 MB of data, the second a size running past the end; back-pointers wrong too.</summary>
    private static byte[] LyingAggregate() =>
    [
        9, 0x10, 0, 0, 0, 0, 0x64, 0, 0, 0, 0, 0x27, 1, 0, 0, 0, 0, 0, 0, 0x99,
        8, 0, 0, 0x20, 0, 0, 0x65, 0, 0, 0, 0, 0xAF, 1,
    ];
}
