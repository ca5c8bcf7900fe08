using Uplink.Protocol.Chunks;
using Uplink.Messages;
using Uplink.Sending;

namespace Uplink.Tests.Sending;

/// <summary>Live mode's drop policy on the send queue: what goes first, what never goes, and what a reconnect's backlog keeps.</summary>
public class SendQueueLiveTests
{
    private static readonly LiveDropThresholds Obs = new(700, 900);

    private static OutgoingMessage Key(long ms, int size = 100) => Video(ms, 0x17, disposable: false, size);

    private static OutgoingMessage P(long ms, int size = 100) => Video(ms, 0x27, disposable: false, size);

    private static OutgoingMessage B(long ms, int size = 100) => Video(ms, 0x27, disposable: true, size);

    private static OutgoingMessage Audio(long ms, int size = 10)
    {
        var body = new byte[size];
        body[0] = 0xAF;
        body[1] = 1;
        return OutgoingMessage.Create(RtmpMessageType.Audio, ms, body, isConfiguration: false);
    }

    private static OutgoingMessage Video(long ms, byte first, bool disposable, int size)
    {
        var body = new byte[size];
        body[0] = first;
        body[1] = 1;
        return OutgoingMessage.Create(RtmpMessageType.Video, ms, body, isConfiguration: false, disposable);
    }

    private static OutgoingMessage VideoHeader(long ms) => OutgoingMessage.Create(RtmpMessageType.Video, ms, [0x17, 0, 0, 0, 0, 1, 2, 3], isConfiguration: true);

    /// <summary>Everything the buffer would send now, in order, as (kind, timestamp).</summary>
    private static List<(string Kind, long Ms)> Unsent(SendQueue buffer)
    {
        var sent = new List<(string, long)>();
        long position = 0;
        while (buffer.TryPeekUnsent(out OutgoingMessage m))
        {
            string kind = m.Type == RtmpMessageType.Audio ? "A" : m.IsConfiguration ? "H" : m.IsVideoKeyframe ? "K" : m.IsNonReference ? "B" : "P";
            sent.Add((kind, m.TimestampMs));
            position += m.Length;
            buffer.MarkSent(position);
        }

        return sent;
    }

    private static (int Video, int Audio) AddAll(SendQueue buffer, long maxBytes, params OutgoingMessage[] messages)
    {
        int video = 0;
        int audio = 0;
        foreach (OutgoingMessage m in messages)
        {
            (int v, int a) = buffer.AddLive(m, Obs, maxBytes);
            video += v;
            audio += a;
        }

        return (video, audio);
    }

    [Fact]
    public void Below_the_thresholds_nothing_is_dropped()
    {
        var buffer = new SendQueue(long.MaxValue);
        var dropped = AddAll(buffer, long.MaxValue, Key(0), B(40), P(80), Audio(90), B(120), P(160), Audio(600), P(690));
        Assert.Equal((0, 0), dropped);
        Assert.Equal(8, Unsent(buffer).Count);
    }

    [Fact]
    public void Past_700_ms_buffered_the_non_reference_frames_go_first_and_only_they()
    {
        var buffer = new SendQueue(long.MaxValue);
        var dropped = AddAll(buffer, long.MaxValue, Key(0), B(40), P(80), B(120), P(160), Audio(200), P(700), B(740));
        Assert.Equal((3, 0), dropped);
        Assert.Equal([("K", 0), ("P", 80), ("P", 160), ("A", 200), ("P", 700)], Unsent(buffer));
    }

    [Fact]
    public void Past_900_ms_every_inter_frame_goes_until_the_next_keyframe_but_keyframes_and_audio_stay()
    {
        var buffer = new SendQueue(long.MaxValue);
        var dropped = AddAll(buffer, long.MaxValue, Key(0), P(40), B(80), Audio(100), P(120), Key(500), P(540), Audio(600), P(900), P(940), Audio(950));
        // Queued P/B at 40, 80, 120, 540 go when P(900) arrives 900 ms after the first unsent frame; P(900) and P(940)
        // go with them (nothing to decode them from).
        Assert.Equal((6, 0), dropped);
        Assert.Equal([("K", 0), ("A", 100), ("K", 500), ("A", 600), ("A", 950)], Unsent(buffer));

        // The queue drained, but an inter frame still has nothing to refer to: it waits for the next keyframe.
        Assert.Equal((1, 0), AddAll(buffer, long.MaxValue, P(960)));
        Assert.Equal((0, 0), AddAll(buffer, long.MaxValue, Key(1000), P(1040)));
        Assert.Equal([("K", 1000), ("P", 1040)], Unsent(buffer));
    }

    [Fact]
    public void Over_the_byte_bound_inter_frames_go_before_audio_and_sequence_headers_never_go()
    {
        var buffer = new SendQueue(long.MaxValue);
        (int video, int audio) = AddAll(buffer, 1000, VideoHeader(0), Key(0, 300), P(40, 300), Audio(50, 100), P(80, 300));
        Assert.Equal((2, 0), (video, audio));
        // Then the keyframe goes before any audio...
        (video, audio) = AddAll(buffer, 1000, Audio(90, 100), Audio(100, 100), Audio(110, 100), Audio(120, 100), Audio(130, 100), Audio(140, 100), Audio(150, 100));
        Assert.Equal((1, 0), (video, audio));

        // ...and audio goes only when there is no video left to drop.
        (video, audio) = AddAll(buffer, 1000, Audio(160, 100), Audio(170, 100), Audio(180, 100));
        Assert.Equal(0, video);
        Assert.True(audio > 0, "audio goes once nothing else is left to drop");
        Assert.True(buffer.UnsentBytes <= 1000, $"{buffer.UnsentBytes} bytes unsent");
        List<(string Kind, long Ms)> unsent = Unsent(buffer);
        Assert.Equal(("H", 0L), unsent[0]);
    }

    [Fact]
    public void A_keyframe_dropped_for_room_takes_its_inter_frames_along()
    {
        var buffer = new SendQueue(long.MaxValue);
        AddAll(buffer, long.MaxValue, Key(0, 400), Audio(10, 50), Audio(20, 50));
        (int video, _) = buffer.AddLive(Audio(30, 600), Obs, 1000);
        Assert.Equal(1, video);
        (video, _) = AddAll(buffer, long.MaxValue, P(40), P(80));
        Assert.Equal(2, video);
        (video, _) = AddAll(buffer, long.MaxValue, Key(120), P(160));
        Assert.Equal(0, video);
        Assert.Equal(["A", "A", "A", "K", "P"], Unsent(buffer).Select(u => u.Kind));
    }

    [Fact]
    public void A_reconnects_backlog_is_sent_in_full_and_live_dropping_starts_after_it()
    {
        var buffer = new SendQueue(long.MaxValue);
        // Written while reconnecting: five seconds, added without the live policy.
        for (int i = 0; i < 125; i++)
        {
            buffer.Add(i % 25 == 0 ? Key(i * 40) : P(i * 40));
        }

        buffer.StartLiveRegion();
        var dropped = AddAll(buffer, long.MaxValue, P(5000), P(5040), B(5080), P(5120));
        Assert.Equal((0, 0), dropped);
        Assert.Equal(129, Unsent(buffer).Count);
    }

    [Fact]
    public void A_rewind_after_drops_replays_from_the_keyframe_and_skips_the_dropped_places()
    {
        var buffer = new SendQueue(long.MaxValue);
        AddAll(buffer, long.MaxValue, Key(0), P(40), Audio(50));
        Assert.Equal(3, Unsent(buffer).Count);
        AddAll(buffer, long.MaxValue, B(80), P(120), B(760), P(800));
        buffer.Rewind(acknowledged: 0);
        Assert.Equal([("K", 0), ("P", 40), ("A", 50), ("P", 120), ("P", 800)], Unsent(buffer));
    }

    [Fact]
    public void Dropping_returns_every_buffer_and_the_byte_counts_stay_exact()
    {
        var buffer = new SendQueue(long.MaxValue);
        AddAll(buffer, 2000, Key(0, 500), P(40, 500), B(80, 500), Audio(90, 100), P(1000, 500), Audio(1010, 100), Key(1040, 900));
        long expected = 0;
        long position = 0;
        var kinds = new List<bool>();
        while (buffer.TryPeekUnsent(out OutgoingMessage m))
        {
            expected += m.Length;
            position += m.Length;
            buffer.MarkSent(position);
        }

        Assert.Equal(expected, buffer.Bytes);
        Assert.Equal(0, buffer.UnsentBytes);
        buffer.ReleaseSent();
        Assert.Equal(0, buffer.Bytes);
    }

    [Fact]
    public void A_barrier_stops_sending_before_the_next_message_until_cleared_and_nothing_is_lost()
    {
        var buffer = new SendQueue(long.MaxValue);
        AddAll(buffer, long.MaxValue, Key(0), P(40), Audio(50));
        buffer.SetBarrier();
        AddAll(buffer, long.MaxValue, Key(80), P(120));
        Assert.Equal([("K", 0), ("P", 40), ("A", 50)], Unsent(buffer));
        Assert.True(buffer.AtBarrier);
        Assert.False(buffer.HasUnsent);
        buffer.ReleaseSent();
        buffer.ClearBarrier();
        Assert.False(buffer.AtBarrier);
        Assert.Equal([("K", 80), ("P", 120)], Unsent(buffer));
    }
}
