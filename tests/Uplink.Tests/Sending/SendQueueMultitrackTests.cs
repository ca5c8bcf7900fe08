using Uplink.Messages;
using Uplink.Protocol.Chunks;
using Uplink.Sending;

namespace Uplink.Tests.Sending;

/// <summary>
/// The send queue with several tracks of a kind: live mode sheds whole renditions, highest bitrate first, keeping the
/// lowest rendition and the default audio; a shed rendition comes back at its keyframe; drops and replays respect each
/// track's own keyframes.
/// </summary>
public class SendQueueMultitrackTests
{
    private static readonly LiveDropThresholds Obs = new(700, 900, RenditionRecoveryMs: 2000);

    /// <summary>A 1 s GOP at 25 fps on video track <paramref name="track"/>, frames of <paramref name="size"/> bytes.</summary>
    private static OutgoingMessage Frame(byte track, long ms, int size) =>
        OutgoingMessage.Create(RtmpMessageType.Video, ms, Body(ms % 1000 == 0 ? (byte)0x17 : (byte)0x27, size), isConfiguration: false) with { Track = track };

    private static OutgoingMessage Audio(byte track, long ms) =>
        OutgoingMessage.Create(RtmpMessageType.Audio, ms, Body(0xAF, 20), isConfiguration: false) with { Track = track };

    private static byte[] Body(byte first, int size)
    {
        var body = new byte[size];
        body[0] = first;
        body[1] = 1;
        return body;
    }

    /// <summary>A ladder: track 0 at 4,000 B/frame, track 1 (the top) at 10,000, track 2 at 1,000; two audio tracks.</summary>
    private static IEnumerable<OutgoingMessage> Ladder(long fromMs, long toMs)
    {
        for (long ms = fromMs; ms < toMs; ms += 40)
        {
            yield return Frame(0, ms, 4000);
            yield return Frame(1, ms, 10_000);
            yield return Frame(2, ms, 1000);
            yield return Audio(0, ms);
            yield return Audio(1, ms);
        }
    }

    /// <summary>Sends everything unsent; counts (kind, track) of what went.</summary>
    private static Dictionary<(RtmpMessageType Type, byte Track), int> SendAll(SendQueue queue)
    {
        var sent = new Dictionary<(RtmpMessageType, byte), int>();
        long position = 0;
        while (queue.TryPeekUnsent(out OutgoingMessage m))
        {
            sent[(m.Type, m.Track)] = sent.GetValueOrDefault((m.Type, m.Track)) + 1;
            position += m.Length;
            queue.MarkSent(position);
        }

        return sent;
    }

    [Fact]
    public void Congestion_sheds_the_highest_bitrate_rendition_first_and_keeps_the_lowest_and_the_default_audio()
    {
        var queue = new SendQueue(long.MaxValue);
        foreach (OutgoingMessage m in Ladder(0, 1600))
        {
            queue.AddLive(m, Obs, long.MaxValue); // nothing is sent: 1.6 s wait unsent
        }

        Assert.Equal((byte)1, queue.TakeRenditionChange()?.Track);
        var sent = SendAll(queue);
        Assert.Equal(0, sent.GetValueOrDefault((RtmpMessageType.Video, (byte)1))); // the top rendition went whole
        Assert.Equal(40, sent[(RtmpMessageType.Video, 0)]); // the middle one waits while the shed has its chance
        Assert.Equal(40, sent[(RtmpMessageType.Video, 2)]); // the lowest rendition is intact
        Assert.Equal(40, sent[(RtmpMessageType.Audio, 0)]); // so is the default audio
    }

    [Fact]
    public void Sheds_one_rendition_at_a_time_until_the_backlog_from_before_has_gone_out()
    {
        var queue = new SendQueue(long.MaxValue);
        foreach (OutgoingMessage m in Ladder(0, 1200))
        {
            queue.AddLive(m, Obs, long.MaxValue);
        }

        Assert.Equal((byte)1, queue.TakeRenditionChange()?.Track);
        Assert.Null(queue.TakeRenditionChange());
        Assert.True(SendAll(queue).ContainsKey((RtmpMessageType.Video, 0)), "the middle rendition waits while the first shed has its chance");

        // Still too slow after the backlog went: the next highest (track 0) goes; track 2, the lowest, never.
        foreach (OutgoingMessage m in Ladder(1200, 3000))
        {
            queue.AddLive(m, Obs, long.MaxValue);
        }

        Assert.Equal((byte)0, queue.TakeRenditionChange()?.Track);
        foreach (OutgoingMessage m in Ladder(3000, 6000))
        {
            queue.AddLive(m, Obs, long.MaxValue);
        }

        var sent = SendAll(queue);
        Assert.Equal(0, sent.GetValueOrDefault((RtmpMessageType.Video, (byte)1)));
        Assert.True(sent.GetValueOrDefault((RtmpMessageType.Video, (byte)2)) > 0, "the lowest rendition is never shed");
        Assert.True(sent.GetValueOrDefault((RtmpMessageType.Audio, (byte)0)) > 0, "the default audio is never shed");
    }

    [Fact]
    public void A_shed_rendition_comes_back_at_its_keyframe_once_the_queue_kept_up_for_the_recovery_time()
    {
        var queue = new SendQueue(long.MaxValue);
        foreach (OutgoingMessage m in Ladder(0, 1200))
        {
            queue.AddLive(m, Obs, long.MaxValue);
        }

        Assert.Equal(((byte)1, true), queue.TakeRenditionChange());
        SendAll(queue);

        // The network keeps up now: everything is sent as it comes.
        var sentTop = new List<(long Ms, bool Keyframe)>();
        long position = 1_000_000;
        foreach (OutgoingMessage m in Ladder(1200, 5000))
        {
            queue.AddLive(m, Obs, long.MaxValue);
            while (queue.TryPeekUnsent(out OutgoingMessage s))
            {
                if (s.Type == RtmpMessageType.Video && s.Track == 1)
                {
                    sentTop.Add((s.TimestampMs, s.IsVideoKeyframe));
                }

                position += s.Length;
                queue.MarkSent(position);
            }
        }

        Assert.Equal(((byte)1, false), queue.TakeRenditionChange());
        Assert.NotEmpty(sentTop);
        Assert.True(sentTop[0].Keyframe, $"the top rendition came back at {sentTop[0].Ms} ms on an inter frame");
        Assert.True(sentTop[0].Ms >= 1200 + Obs.RenditionRecoveryMs, $"it came back after {sentTop[0].Ms - 1200} ms of a healthy queue, before the recovery time");
    }

    [Fact]
    public void A_stalled_link_sheds_the_next_rendition_once_the_backlog_passes_twice_the_inter_frame_threshold()
    {
        var queue = new SendQueue(long.MaxValue);
        foreach (OutgoingMessage m in Ladder(0, 2000))
        {
            queue.AddLive(m, Obs, long.MaxValue); // nothing is sent at all
        }

        Assert.Equal((byte)0, queue.TakeRenditionChange()?.Track); // track 1 went at 0.7 s, track 0 past 1.8 s
        var sent = SendAll(queue);
        Assert.Equal(0, sent.GetValueOrDefault((RtmpMessageType.Video, (byte)1)));
        Assert.Equal(0, sent.GetValueOrDefault((RtmpMessageType.Video, (byte)0)));
        Assert.True(sent.GetValueOrDefault((RtmpMessageType.Video, (byte)2)) > 0, "the lowest rendition is kept to the last (then its inter frames go, as in a single-track stream)");
        Assert.Equal(50, sent[(RtmpMessageType.Audio, 0)]);
    }

    [Fact]
    public void A_single_track_stream_never_sheds_it_drops_inter_frames_as_before()
    {
        var queue = new SendQueue(long.MaxValue);
        for (long ms = 0; ms < 2000; ms += 40)
        {
            queue.AddLive(Frame(0, ms, 4000), Obs, long.MaxValue);
            queue.AddLive(Audio(0, ms), Obs, long.MaxValue);
        }

        Assert.Null(queue.TakeRenditionChange());
        var sent = SendAll(queue);
        Assert.InRange(sent[(RtmpMessageType.Video, 0)], 1, 49);
        Assert.Equal(50, sent[(RtmpMessageType.Audio, 0)]);
    }

    [Fact]
    public void A_replay_starts_at_the_earliest_keyframe_among_the_tracks_so_neither_loses_an_unacknowledged_frame()
    {
        var queue = new SendQueue(long.MaxValue);
        // Track 0: keyframes at 0 and 1000; track 1: keyframes at 500 and 1500.
        for (long ms = 0; ms < 2000; ms += 100)
        {
            queue.Add(OutgoingMessage.Create(RtmpMessageType.Video, ms, Body(ms % 1000 == 0 ? (byte)0x17 : (byte)0x27, 10), isConfiguration: false));
            queue.Add(OutgoingMessage.Create(RtmpMessageType.Video, ms, Body(ms % 1000 == 500 ? (byte)0x17 : (byte)0x27, 10), isConfiguration: false) with { Track = 1 });
        }

        long position = 0;
        while (queue.TryPeekUnsent(out OutgoingMessage m))
        {
            position += m.Length;
            queue.MarkSent(position);
        }

        // Acknowledged up to the message at 1200 ms (track 0 then track 1 each 100 ms: 26 messages).
        queue.Rewind(acknowledged: 26 * 10);
        Assert.True(queue.TryPeekUnsent(out OutgoingMessage first));
        // Track 0's first unacknowledged frame (1300) is in its GOP from 1000; track 1's (1300) in its GOP from 500.
        Assert.Equal(500, first.TimestampMs);
        Assert.Equal((byte)1, first.Track);
    }
}
