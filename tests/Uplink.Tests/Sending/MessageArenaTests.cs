using Uplink.Protocol.Chunks;
using Uplink.Messages;
using Uplink.Sending;

namespace Uplink.Tests.Sending;

[Collection(MeasuredAloneCollection.Name)]
public class MessageArenaTests
{
    /// <summary>Over half the largest block: a dedicated block each time. One array for every test, so they leave no large garbage behind.</summary>
    private static readonly byte[] KeyframeBody = Body(3 * 1024 * 1024, 5);

    private static readonly byte[] OtherKeyframeBody = Body(3 * 1024 * 1024, 6);

    private static byte[] Body(int size, byte fill)
    {
        var body = new byte[size];
        Array.Fill(body, fill);
        return body;
    }

    [Fact]
    public void Messages_keep_their_bytes_until_released_whatever_the_release_order()
    {
        using var arena = new MessageArena();
        var messages = new List<OutgoingMessage>();
        for (int i = 0; i < 200; i++)
        {
            messages.Add(arena.Create(RtmpMessageType.Video, i, Body(1000 + i, (byte)i), isConfiguration: false));
        }

        // Release every other one, then make more: the survivors must be untouched.
        for (int i = 0; i < messages.Count; i += 2)
        {
            messages[i].Release();
        }

        for (int i = 0; i < 200; i++)
        {
            arena.Create(RtmpMessageType.Audio, i, Body(700, 0xEE), isConfiguration: false).Release();
        }

        for (int i = 1; i < messages.Count; i += 2)
        {
            Assert.Equal(1000 + i, messages[i].Length);
            Assert.True(messages[i].Payload.IndexOfAnyExcept((byte)i) < 0, $"message {i} was overwritten");
            messages[i].Release();
        }
    }

    [Fact]
    public void A_queue_that_fills_and_drains_in_order_allocates_nothing_once_warm()
    {
        using var arena = new MessageArena();
        byte[] frame = Body(3000, 1);
        var queue = new Queue<OutgoingMessage>();

        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                queue.Enqueue(arena.Create(RtmpMessageType.Video, i, frame, isConfiguration: false));
                if (queue.Count > 100)
                {
                    queue.Dequeue().Release();
                }
            }
        }

        Run(2000);

        // The quietest of three windows: a gen-2 collection in the window (other tests' large arrays) makes the shared
        // pool drop its thread-local arrays, and the next rent allocates — the runtime's doing, not the arena's.
        long allocated = long.MaxValue;
        for (int window = 0; window < 3 && allocated > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(20_000);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated == 0, $"{allocated} bytes allocated for 20000 messages");
        while (queue.TryDequeue(out OutgoingMessage m))
        {
            m.Release();
        }
    }

    [Fact]
    public void A_message_too_big_for_a_chunk_gets_its_own_array()
    {
        using var arena = new MessageArena();
        OutgoingMessage big = arena.Create(RtmpMessageType.Video, 0, Body(2 * 1024 * 1024, 7), isConfiguration: false);
        OutgoingMessage small = arena.Create(RtmpMessageType.Video, 0, Body(10, 8), isConfiguration: false);
        Assert.Equal(0, big.Offset);
        Assert.NotSame(big.Buffer, small.Buffer);
        Assert.True(big.Payload.IndexOfAnyExcept((byte)7) < 0);
        big.Release();
        small.Release();
    }

    [Fact]
    public void A_message_written_in_place_keeps_only_what_was_written_and_the_rest_of_the_reservation_is_reused()
    {
        using var arena = new MessageArena();
        var writer = new ArenaMessageWriter(arena);
        Span<byte> span = writer.GetSpan(5000);
        span[..100].Fill(3);
        writer.Advance(100);
        OutgoingMessage first = writer.Commit(RtmpMessageType.Video, 0, isConfiguration: false);
        OutgoingMessage second = arena.Create(RtmpMessageType.Audio, 0, Body(50, 4), isConfiguration: false);
        Assert.Equal(100, first.Length);
        Assert.Same(first.Buffer, second.Buffer);
        Assert.Equal(first.Offset + 100, second.Offset);
        Assert.True(first.Payload.IndexOfAnyExcept((byte)3) < 0);
        first.Release();
        second.Release();
    }

    [Fact]
    public void An_abandoned_reservation_gives_its_room_back_and_a_second_GetSpan_keeps_what_was_written()
    {
        using var arena = new MessageArena();
        var writer = new ArenaMessageWriter(arena);
        writer.GetSpan(1000);
        writer.Abandon();
        Span<byte> span = writer.GetSpan(300);
        span[..300].Fill(9);
        writer.Advance(300);
        span = writer.GetSpan(200_000);
        span[..10].Fill(8);
        writer.Advance(10);
        OutgoingMessage message = writer.Commit(RtmpMessageType.Video, 0, isConfiguration: false);
        Assert.Equal(310, message.Length);
        Assert.True(message.Payload[..300].IndexOfAnyExcept((byte)9) < 0);
        Assert.True(message.Payload[300..].IndexOfAnyExcept((byte)8) < 0);
        message.Release();
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(3 * 1024 * 1024)]
    public void A_shared_message_keeps_its_bytes_until_every_holder_released_it(int size)
    {
        using var arena = new MessageArena();
        OutgoingMessage shared = arena.Create(RtmpMessageType.Video, 0, KeyframeBody.AsSpan(0, size), isConfiguration: false);
        shared.AddReference();
        shared.AddReference();
        shared.Release();
        shared.Release();

        // Still held once: a new message must not be written over it.
        OutgoingMessage next = arena.Create(RtmpMessageType.Video, 0, OtherKeyframeBody.AsSpan(0, size), isConfiguration: false);
        Assert.True(shared.Payload.IndexOfAnyExcept((byte)5) < 0, "a shared message was overwritten before its last release");
        shared.Release();
        next.Release();
    }

    [Fact]
    public void Sharing_keyframe_sized_messages_allocates_nothing_in_steady_state()
    {
        using var arena = new MessageArena();
        byte[] body = KeyframeBody;
        for (int i = 0; i < 20; i++)
        {
            Share(arena, body);
        }

        // The quietest of five windows: the shared pool may drop its cached 2 MiB arrays when a gen-2 collection
        // happens (runtime noise, not the arena); the arena itself allocates nothing.
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                Share(arena, body);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated == 0, $"{allocated} bytes allocated for 200 shared keyframes");

        static void Share(MessageArena arena, byte[] body)
        {
            OutgoingMessage m = arena.Create(RtmpMessageType.Video, 0, body, isConfiguration: false);
            m.AddReference();
            m.Release();
            m.Release();
        }
    }
}
