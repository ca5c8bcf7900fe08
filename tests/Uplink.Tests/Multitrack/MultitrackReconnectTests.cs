using Uplink.Codecs;
using Uplink.Protocol.Chunks;
using Uplink.Tests.Session;

namespace Uplink.Tests.Multitrack;

/// <summary>A multitrack stream across a reconnect: the replay resumes every video track on its own keyframe, and nothing written is lost.</summary>
public class MultitrackReconnectTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(40);

    private sealed class NoDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public async Task After_a_reconnect_each_video_track_starts_on_its_own_keyframe_and_every_frame_arrives()
    {
        // The first connection is dropped after 40 messages, the server having acknowledged them: the replay starts mid-stream.
        await using var server = new ScriptedRtmpServer { DropAfterMediaMessages = 40, AcknowledgeBeforeDrop = true };
        var video = ElementaryStreams.VideoAccessUnits();
        int shift = Enumerable.Range(1, video.Count - 1).First(i => !IsIdr(video[i]) && !IsIdr(video[(i + 1) % video.Count]));
        int frames = 3 * video.Count;
        var options = new RtmpWriterOptions
        {
            Url = server.Url(),
            Audio = null,
            AdditionalVideoTracks = [VideoMediaType.H264AnnexB],
            Reconnect = new RtmpReconnectOptions(Attempts: 10) { Policy = new NoDelay(), Timestamps = RtmpReconnectTimestamps.Continue },  // frames are told apart by their timestamps
        };
        var written = new HashSet<uint>[] { [], [] };
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int connects = 0;
        await using (var writer = new RtmpWriter(options))
        {
            writer.StatusChanged += (_, e) =>
            {
                if (e.Status == RtmpWriterStatus.Connected && Interlocked.Increment(ref connects) == 2)
                {
                    reconnected.TrySetResult();
                }
            };

            for (int i = 0; i < frames; i++)
            {
                TimeSpan dts = Frame * i;
                await writer.WriteVideoAsync(0, video[i % video.Count], dts);
                written[0].Add((uint)dts.TotalMilliseconds);

                // Track 1 runs the same pictures out of phase, so its keyframes fall elsewhere (its first frames, before
                // any SPS, cannot be sent).
                byte[] unit = video[(i + shift) % video.Count];
                await writer.WriteVideoAsync(1, unit, dts);
            }

            await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await writer.DisconnectAsync();
            RtmpWriterStats stats = writer.GetStats();
            Assert.Equal(1, stats.Reconnects);
            Assert.True(stats.VideoFramesResent < server.Media.Count(m => m.Connection == 1 && m.Type == RtmpMessageType.Video) - 2, $"the replay re-sent {stats.VideoFramesResent} frames: it did not start mid-stream, so the test shows nothing");
        }

        for (int connection = 2; connection <= server.ConnectionCount; connection++)
        {
            var media = server.Media.Where(m => m.Connection == connection && m.Type == RtmpMessageType.Video).ToList();
            var track0 = media.Where(m => (m.Payload[0] & 0x80) == 0 && m.Payload[1] == 1).ToList();
            var track1 = media.Where(m => (m.Payload[0] & 0x0F) == 6 && (m.Payload[1] & 0x0F) is 1 or 3).ToList();
            Assert.True(track0.Count == 0 || track0[0].Payload[0] == 0x17, $"connection {connection}: the default track resumed on an inter frame at {track0.FirstOrDefault()?.Timestamp}");
            Assert.True(track1.Count == 0 || track1[0].Payload[0] == 0x96, $"connection {connection}: track 1 resumed on an inter frame at {track1.FirstOrDefault()?.Timestamp}");
        }

        var arrived = server.Media.Where(m => m.Type == RtmpMessageType.Video && (m.Payload[0] & 0x80) == 0 && m.Payload[1] == 1).Select(m => m.Timestamp).ToHashSet();
        Assert.Subset(arrived, written[0]);
    }

    private static bool IsIdr(byte[] accessUnit)
    {
        foreach (ReadOnlySpan<byte> nal in AnnexB.EnumerateNalUnits(accessUnit))
        {
            if ((nal[0] & 0x1F) == (int)H264NalUnitType.Idr)
            {
                return true;
            }
        }

        return false;
    }
}
