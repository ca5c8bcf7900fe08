using Uplink.Messages;
using Uplink.Protocol.Chunks;
using Uplink.Streaming;

namespace Uplink.Tests.Streaming;

public class InterleaverTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    [Fact]
    public void Messages_leave_in_timestamp_order_across_tracks()
    {
        var interleaver = new Interleaver(queues: 2, Window);
        Add(interleaver, video: true, 0, 40, 80);
        Add(interleaver, video: false, 0, 21, 42, 64, 85);

        Assert.Equal(["v0", "a0", "a21", "v40", "a42", "a64", "v80"], TakeAll(interleaver)); // a85 waits for video to reach it
    }

    [Fact]
    public void A_track_that_never_writes_holds_the_other_back_one_window_and_then_no_longer()
    {
        var interleaver = new Interleaver(queues: 2, Window);
        Add(interleaver, video: true, 0, 500, 999);
        Assert.Empty(TakeAll(interleaver));

        Add(interleaver, video: true, 1000);
        Assert.Equal(["v0", "v500", "v999", "v1000"], TakeAll(interleaver));

        // Found silent: later frames leave as they come, without waiting another window.
        Add(interleaver, video: true, 1033);
        Assert.Equal(["v1033"], TakeAll(interleaver));
    }

    [Fact]
    public void A_silent_track_that_writes_again_is_waited_for_again()
    {
        var interleaver = new Interleaver(queues: 2, Window);
        Add(interleaver, video: true, 0, 1000);
        Assert.Equal(["v0", "v1000"], TakeAll(interleaver));

        Add(interleaver, video: false, 1010);
        Add(interleaver, video: true, 1033);
        Assert.Equal(["a1010"], TakeAll(interleaver));

        Add(interleaver, video: false, 1040);
        Assert.Equal(["v1033"], TakeAll(interleaver));
    }

    [Fact]
    public void Draining_takes_everything_in_order()
    {
        var interleaver = new Interleaver(queues: 2, Window);
        Add(interleaver, video: true, 0, 40);
        Add(interleaver, video: false, 30);

        Assert.Equal(["v0", "a30"], TakeAll(interleaver));
        Assert.True(interleaver.TryTake(drain: true, out OutgoingMessage last));
        Assert.Equal(40, last.TimestampMs);
        last.Release();
    }

    [Fact]
    public void Several_tracks_of_a_kind_leave_in_timestamp_order_each_waiting_for_the_others()
    {
        // Queues 0 and 1: two video tracks; 2 and 3: two audio tracks.
        var interleaver = new Interleaver(queues: 4, Window);
        AddTo(interleaver, 0, RtmpMessageType.Video, 0, 40, 80);
        AddTo(interleaver, 1, RtmpMessageType.Video, 0, 40);
        AddTo(interleaver, 2, RtmpMessageType.Audio, 0, 21, 42, 64, 85);
        Assert.Empty(TakeAll(interleaver)); // audio track 1 (queue 3) has written nothing yet: it may still write at 0

        AddTo(interleaver, 3, RtmpMessageType.Audio, 10, 50);
        Assert.Equal(["v0", "v0", "a0", "a10", "a21", "v40", "v40"], TakeAll(interleaver)); // a42 waits for video track 1 to pass 40
    }

    [Fact]
    public void One_silent_track_among_several_stops_holding_the_others_after_a_window()
    {
        var interleaver = new Interleaver(queues: 3, Window);
        AddTo(interleaver, 0, RtmpMessageType.Video, 0, 1000);
        AddTo(interleaver, 1, RtmpMessageType.Video, 0, 1000);
        Assert.Equal(["v0", "v0", "v1000", "v1000"], TakeAll(interleaver));
    }

    private static void AddTo(Interleaver interleaver, int queue, RtmpMessageType type, params long[] timestamps)
    {
        foreach (long ts in timestamps)
        {
            interleaver.Add(queue, OutgoingMessage.Create(type, ts, [1], isConfiguration: false));
        }
    }

    private static void Add(Interleaver interleaver, bool video, params long[] timestamps)
    {
        foreach (long ts in timestamps)
        {
            interleaver.Add(video ? 0 : 1, OutgoingMessage.Create(video ? RtmpMessageType.Video : RtmpMessageType.Audio, ts, [1], isConfiguration: false));
        }
    }

    private static List<string> TakeAll(Interleaver interleaver)
    {
        var taken = new List<string>();
        while (interleaver.TryTake(drain: false, out OutgoingMessage m))
        {
            taken.Add((m.Type == RtmpMessageType.Video ? "v" : "a") + m.TimestampMs);
            m.Release();
        }

        return taken;
    }
}
