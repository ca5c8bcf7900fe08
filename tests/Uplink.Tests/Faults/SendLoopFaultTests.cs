using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Clip = Uplink.Tests.Faults.FaultClip.Clip;
using Frame = Uplink.Tests.Faults.FaultClip.Frame;
using Uplink.Media;
using Uplink.Server;
using Uplink.Testing;
using Xunit.Abstractions;

namespace Uplink.Tests.Faults;

/// <summary>
/// The send loop under network trouble, through <see cref="FaultInjectionProxy"/> to the embedded server (which
/// records): live mode never blocks a write and drops only by its policy; non-live mode holds the writer back
/// (backpressure) and fails after the send timeout; a cut connection comes back with nothing lost.
/// </summary>
public sealed class SendLoopFaultTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _log;
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-faults-").FullName;
    private readonly List<PublishSessionSummary> _sessions = [];
    private readonly SemaphoreSlim _sessionEnded = new(0);
    private RtmpServer _server = null!;
    private FaultInjectionProxy _proxy = null!;

    public SendLoopFaultTests(ITestOutputHelper log) => _log = log;

    public async Task InitializeAsync()
    {
        _server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = _recordings });
        _server.SessionEnded += (_, s) =>
        {
            lock (_sessions)
            {
                _sessions.Add(s);
            }

            _sessionEnded.Release();
        };
        await _server.StartAsync();
        _proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, _server.Port), receiveBufferSize: 16 * 1024);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_recordings, recursive: true);
    }

    private string Url => $"rtmp://127.0.0.1:{_proxy.Port}/live/faults";

    private sealed class NoDelay : IReconnectPolicy
    {
        public TimeSpan GetDelay(int attempt) => TimeSpan.FromMilliseconds(10);
    }

    private static ValueTask WriteAsync(RtmpWriter writer, Frame f) =>
        f.Video ? writer.WriteVideoAsync(f.Data, f.Dts, f.Pts) : writer.WriteAudioAsync(f.Data, f.Dts);

    private static Task<TimeSpan> WriteInRealTimeAsync(RtmpWriter writer, IEnumerable<Frame> frames, TimeSpan origin) =>
        FaultClip.WriteInRealTimeAsync(frames, origin, f => WriteAsync(writer, f));

    private static Task<Clip> LoadClipAsync() => FaultClip.LoadAsync();

    private async Task<List<PublishSessionSummary>> WaitForSessionsAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(await _sessionEnded.WaitAsync(TimeSpan.FromSeconds(20)), $"the server saw {i} of {count} publish sessions end");
        }

        lock (_sessions)
        {
            return [.. _sessions];
        }
    }

    /// <summary>The recorded frames' decode timestamps (ms) per track, from the server's FLV recording.</summary>
    private static async Task<(List<long> Video, List<long> Audio)> RecordedAsync(PublishSessionSummary session)
    {
        await using FlvReader reader = await FlvReader.OpenAsync(File.OpenRead(session.RecordingPath!));
        var video = new List<long>();
        var audio = new List<long>();
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            if (!f.IsConfiguration)
            {
                (f.Track == MediaTrack.Video ? video : audio).Add((long)f.Dts.TotalMilliseconds);
            }
        }

        return (video, audio);
    }

    /// <summary>
    /// Dropping by the policy leaves a decodable stream: every keyframe arrives, and a frame that arrives has every
    /// reference frame since its keyframe with it (only non-reference frames, or whole runs up to the next keyframe, go).
    /// </summary>
    private static void AssertDecodable(IEnumerable<Frame> written, ISet<long> received)
    {
        bool chainIntact = false;
        foreach (Frame f in written.Where(f => f.Video))
        {
            long ms = (long)f.Dts.TotalMilliseconds;
            bool arrived = received.Contains(ms);
            if (f.Keyframe)
            {
                Assert.True(arrived, $"the keyframe at {ms} ms was dropped (only bytes over the buffer bound may drop keyframes)");
                chainIntact = true;
            }
            else if (arrived)
            {
                Assert.True(chainIntact, $"the frame at {ms} ms arrived although a reference frame before it (since the last keyframe) was dropped");
            }
            else if (!f.Disposable)
            {
                chainIntact = false;
            }
        }
    }

    [Fact]
    public async Task Live_mode_never_blocks_a_write_while_the_server_is_stalled_and_drops_only_video_by_priority()
    {
        Clip clip = await LoadClipAsync();
        var options = new RtmpWriterOptions { Url = Url, Video = clip.Video, Audio = clip.Audio, LiveMode = true, SocketSendBufferSize = 8192, SendTimeout = TimeSpan.FromSeconds(10) };
        var written = new List<Frame>();
        TimeSpan longest;
        RtmpWriterStats stats;
        await using (var writer = new RtmpWriter(options))
        {
            await writer.ConnectAsync();

            // One second of a live source, then the server stalls (stops reading) while the source goes on for 16 s.
            List<Frame> before = clip.Loops(0, 1).Where(f => f.Dts < TimeSpan.FromSeconds(1)).ToList();
            longest = await WriteInRealTimeAsync(writer, before, TimeSpan.Zero);
            written.AddRange(before);
            _proxy.Stall();
            List<Frame> during = clip.Loops(0, 9).Where(f => f.Dts >= TimeSpan.FromSeconds(1)).ToList();
            foreach (Frame f in during)
            {
                long started = Stopwatch.GetTimestamp();
                await WriteAsync(writer, f);
                TimeSpan took = Stopwatch.GetElapsedTime(started);
                longest = took > longest ? took : longest;
            }

            written.AddRange(during);
            stats = writer.GetStats();
            _log.WriteLine($"stalled: longest write {longest.TotalMilliseconds:0.###} ms; dropped {stats.VideoFramesDropped} video, {stats.AudioFramesDropped} audio; queued {stats.QueuedBytes} bytes, {stats.BufferedDuration.TotalMilliseconds} ms");
            Assert.True(stats.VideoFramesDropped > 0, "a 17 s stall must make live mode drop video");
            Assert.Equal(0, stats.AudioFramesDropped);

            _proxy.Resume();
            await writer.DisconnectAsync();
            stats = writer.GetStats();
        }

        // Bounded by the policy, not by the network: a blocked write would have waited for the stall to end.
        Assert.True(longest < TimeSpan.FromSeconds(1), $"a write took {longest.TotalMilliseconds} ms");

        PublishSessionSummary session = Assert.Single(await WaitForSessionsAsync(1));
        (List<long> video, List<long> audio) = await RecordedAsync(session);
        Assert.Equal(written.Count(f => !f.Video), audio.Count);
        Assert.Equal(written.Count(f => f.Video) - stats.VideoFramesDropped, video.Count);
        Assert.Equal(stats.VideoFramesSent, video.Count);
        AssertDecodable(written, video.ToHashSet());
    }

    [Fact]
    public async Task Live_mode_under_a_throttled_link_drops_to_fit_and_never_blocks()
    {
        Clip clip = await LoadClipAsync();
        long bytesPerSecond = clip.Frames.Sum(f => (long)f.Data.Length) / (long)clip.Length.TotalSeconds;
        var options = new RtmpWriterOptions { Url = Url, Video = clip.Video, Audio = clip.Audio, LiveMode = true, SocketSendBufferSize = 8192 };
        var written = clip.Loops(0, 2).ToList();
        TimeSpan longest;
        RtmpWriterStats stats;
        await using (var writer = new RtmpWriter(options))
        {
            await writer.ConnectAsync();
            _proxy.Throttle(bytesPerSecond / 3);
            longest = await WriteInRealTimeAsync(writer, written, TimeSpan.Zero);
            stats = writer.GetStats();
            _log.WriteLine($"throttled to {bytesPerSecond / 3} B/s (stream {bytesPerSecond} B/s): longest write {longest.TotalMilliseconds:0.###} ms; dropped {stats.VideoFramesDropped} video, {stats.AudioFramesDropped} audio");
            _proxy.Throttle(0);
            await writer.DisconnectAsync();
            stats = writer.GetStats();
        }

        Assert.True(longest < TimeSpan.FromSeconds(1), $"a write took {longest.TotalMilliseconds} ms");
        Assert.True(stats.VideoFramesDropped > 0, "a link at a third of the bitrate must make live mode drop video");
        Assert.Equal(0, stats.AudioFramesDropped);
        PublishSessionSummary session = Assert.Single(await WaitForSessionsAsync(1));
        (List<long> video, List<long> audio) = await RecordedAsync(session);
        _log.WriteLine($"after: sent {stats.VideoFramesSent} video {stats.AudioFramesSent} audio; server {session.VideoFrames}/{session.AudioFrames} ({session.EndReason}); recorded {video.Count}/{audio.Count}");
        Assert.Equal(written.Count(f => !f.Video), audio.Count);
        AssertDecodable(written, video.ToHashSet());
    }

    [Fact]
    public async Task Without_live_mode_a_throttled_link_holds_the_writer_back_within_the_buffer_and_nothing_is_dropped()
    {
        Clip clip = await LoadClipAsync();
        const int buffer = 32 * 1024;
        var options = new RtmpWriterOptions { Url = Url, Video = clip.Video, Audio = clip.Audio, OutputBufferSize = buffer, SocketSendBufferSize = 8192 };
        var written = clip.Loops(0, 4).ToList();
        int largest = written.Max(f => f.Data.Length) + 64;
        long mostQueued = 0;
        await using (var writer = new RtmpWriter(options))
        {
            await writer.ConnectAsync();
            _proxy.Throttle(200_000);
            foreach (Frame f in written)
            {
                // As fast as the writer lets us: the buffer bound is what holds us back.
                await WriteAsync(writer, f);
                mostQueued = Math.Max(mostQueued, writer.GetStats().QueuedBytes);
            }

            await writer.DisconnectAsync();
            RtmpWriterStats stats = writer.GetStats();
            Assert.Equal(0, stats.VideoFramesDropped + stats.AudioFramesDropped);
        }

        _log.WriteLine($"most queued after a write: {mostQueued} bytes (bound {buffer} + one message)");
        Assert.True(mostQueued <= buffer + largest, $"{mostQueued} bytes queued with a {buffer}-byte buffer");
        PublishSessionSummary session = Assert.Single(await WaitForSessionsAsync(1));
        Assert.Equal(written.Count(f => f.Video), session.VideoFrames);
        Assert.Equal(written.Count(f => !f.Video), session.AudioFrames);
    }

    [Fact]
    public async Task Without_live_mode_a_stalled_server_blocks_the_writer_and_the_write_fails_after_the_send_timeout()
    {
        Clip clip = await LoadClipAsync();
        var options = new RtmpWriterOptions { Url = Url, Video = clip.Video, Audio = clip.Audio, OutputBufferSize = 16 * 1024, SocketSendBufferSize = 8192, SendTimeout = TimeSpan.FromSeconds(1) };
        await using var writer = new RtmpWriter(options);
        await writer.ConnectAsync();
        _proxy.Stall();
        TimeSpan failedAfter = TimeSpan.Zero;
        var ex = await Assert.ThrowsAsync<RtmpException>(async () =>
        {
            foreach (Frame f in clip.Loops(0, 50))
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    await WriteAsync(writer, f).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                }
                finally
                {
                    failedAfter = Stopwatch.GetElapsedTime(started);
                    if (failedAfter > TimeSpan.FromMilliseconds(50))
                    {
                        _log.WriteLine($"write at {f.Dts} ({(f.Video ? "video" : "audio")}) took {failedAfter.TotalMilliseconds:0} ms; queued {writer.GetStats().QueuedBytes}");
                    }
                }
            }
        });

        _log.WriteLine($"the failing write waited {failedAfter.TotalMilliseconds:0} ms: {ex.Message}");
        Assert.Equal(RtmpErrorKind.Timeout, ex.Kind);
        Assert.Contains("stopped reading", ex.Message, StringComparison.Ordinal);
        Assert.True(failedAfter >= TimeSpan.FromMilliseconds(500), $"the write failed after {failedAfter.TotalMilliseconds} ms: it should have waited for room first");
        RtmpWriterStats stats = writer.GetStats();
        Assert.Equal(0, stats.VideoFramesDropped + stats.AudioFramesDropped);
    }

    [Fact]
    public async Task A_cut_connection_comes_back_through_the_send_loop_and_the_two_recordings_hold_every_frame()
    {
        Clip clip = await LoadClipAsync();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new RtmpWriterOptions
        {
            Url = Url,
            Video = clip.Video,
            Audio = clip.Audio,
            OutputBufferSize = 256 * 1024,
            WindowAcknowledgementSize = 16 * 1024,
            Reconnect = new RtmpReconnectOptions(Attempts: 5) { Policy = new NoDelay(), Timestamps = RtmpReconnectTimestamps.Continue },  // frames are told apart by their timestamps
        };
        var written = clip.Loops(0, 3).ToList();
        await using (var writer = new RtmpWriter(options))
        {
            writer.StatusChanged += (_, e) =>
            {
                if (e.Status == RtmpWriterStatus.Connected && writer.GetStats().Reconnects > 0)
                {
                    reconnected.TrySetResult();
                }
            };
            await writer.ConnectAsync();
            for (int i = 0; i < written.Count; i++)
            {
                await WriteAsync(writer, written[i]);
                if (i == written.Count / 2)
                {
                    // Once the server has acknowledged more than a GOP, so the replay starts part way (no event
                    // exists for an acknowledgement: poll the stats, bounded).
                    var waited = Stopwatch.StartNew();
                    while (writer.GetStats().BytesAcknowledged < 80 * 1024 && waited.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        await Task.Delay(10);
                    }

                    Assert.True(writer.GetStats().BytesAcknowledged >= 80 * 1024, $"only {writer.GetStats().BytesAcknowledged} bytes acknowledged");
                    _proxy.CutAll();
                }
            }

            await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await writer.DisconnectAsync();
            Assert.Equal(1, writer.GetStats().Reconnects);
        }

        List<PublishSessionSummary> sessions = await WaitForSessionsAsync(2);
        var video = new HashSet<long>();
        var audio = new HashSet<long>();
        foreach (PublishSessionSummary session in sessions)
        {
            (List<long> v, List<long> a) = await RecordedAsync(session);
            video.UnionWith(v);
            audio.UnionWith(a);
        }

        _log.WriteLine($"sessions: {string.Join(", ", sessions.Select(s => $"{s.VideoFrames} video/{s.AudioFrames} audio ({s.EndReason})"))}");
        Assert.True(sessions[1].VideoFrames < written.Count(f => f.Video), "the replay should start after what the server acknowledged, not at the beginning");
        foreach (Frame f in written)
        {
            Assert.Contains((long)f.Dts.TotalMilliseconds, f.Video ? video : audio);
        }
    }
}
