using System.Buffers.Binary;
using System.Net;
using Frame = Uplink.Tests.Faults.FaultClip.Frame;
using Uplink.Media;
using Uplink.Server;
using Uplink.Testing;
using Uplink.Tests.Server;
using Xunit.Abstractions;

namespace Uplink.Tests.Faults;

/// <summary>
/// Live mode with a rendition ladder on a link too slow for it, through <see cref="FaultInjectionProxy"/> to the embedded
/// server (which records): the highest-bitrate rendition is shed, whole, while the lowest rendition and the audio arrive
/// intact — congestion becomes a lower rendition instead of a frozen picture.
/// </summary>
public sealed class RenditionDropTests : IAsyncLifetime
{
    /// <summary>What the top rendition carries beyond the low one, per frame: a filler NAL unit (a decoder skips it).</summary>
    private const int TopExtraBytes = 6000;

    private readonly ITestOutputHelper _log;
    private readonly string _recordings = Directory.CreateTempSubdirectory("uplink-renditions-").FullName;
    private readonly TaskCompletionSource<PublishSessionSummary> _session = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RtmpServer _server = null!;
    private FaultInjectionProxy _proxy = null!;

    public RenditionDropTests(ITestOutputHelper log) => _log = log;

    public async Task InitializeAsync()
    {
        _server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = _recordings });
        _server.SessionEnded += (_, s) => _session.TrySetResult(s);
        await _server.StartAsync();
        _proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, _server.Port), receiveBufferSize: 16 * 1024);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_recordings, recursive: true);
    }

    [Fact]
    public async Task A_link_too_slow_for_the_ladder_sheds_the_top_rendition_and_keeps_the_lowest_and_the_audio_intact()
    {
        FaultClip.Clip clip = await FaultClip.LoadAsync();
        List<Frame> written = clip.Loops(0, 4).ToList();
        long lowBytesPerSecond = clip.Frames.Sum(f => (long)f.Data.Length) / (long)clip.Length.TotalSeconds;
        using var logs = new ServerTestLogs();
        var options = new RtmpWriterOptions
        {
            Url = $"rtmp://127.0.0.1:{_proxy.Port}/live/ladder",
            Video = clip.Video,
            Audio = clip.Audio,
            AdditionalVideoTracks = [clip.Video],
            LiveMode = true,
            SocketSendBufferSize = 8192,
            // Socket writes of up to 64 KiB (the default) would take most of a second each at this rate: bytes already
            // taken for a write cannot be shed, so the low rendition would wait behind the top one's last batch.
            OutputPacketSize = 8192,
            LoggerFactory = logs,
        };
        RtmpWriterStats stats;
        await using (var writer = new RtmpWriter(options))
        {
            await writer.ConnectAsync();

            // Room for the low rendition and the audio three times over, not for the top one (a 6 KB filler per frame) beside them.
            _proxy.Throttle(lowBytesPerSecond * 3);
            await FaultClip.WriteInRealTimeAsync(written, TimeSpan.Zero, async f =>
            {
                if (f.Video)
                {
                    await writer.WriteVideoAsync(0, f.Data, f.Dts, f.Pts);
                    await writer.WriteVideoAsync(1, WithFiller(f.Data), f.Dts, f.Pts);
                }
                else
                {
                    await writer.WriteAudioAsync(f.Data, f.Dts);
                }
            });
            _proxy.Throttle(0);
            await writer.DisconnectAsync();
            stats = writer.GetStats();
        }

        PublishSessionSummary session = await _session.Task.WaitAsync(TimeSpan.FromSeconds(20));
        (int low, int top, int audio) = await CountRecordedAsync(session.RecordingPath!);
        int videoWritten = written.Count(f => f.Video);
        _log.WriteLine($"throttled to {lowBytesPerSecond * 3} B/s: recorded {low}/{videoWritten} low, {top}/{videoWritten} top, {audio} audio; dropped {stats.VideoFramesDropped} video, {stats.AudioFramesDropped} audio");
        Assert.True(logs.Contains("stopped sending video track 1"), logs.Dump());
        Assert.True(top < videoWritten / 2, $"the top rendition was not shed: {top} of {videoWritten} frames recorded");
        // Most runs record the low rendition whole. On a loaded machine the writing thread now and then runs late and then
        // writes most of a second of media at once, which live mode (counting media time) takes for congestion: the low
        // rendition, left alone, then drops as a single-track stream would, a GOP or two — far less than the top.
        Assert.True(videoWritten - low <= (videoWritten - top) / 4, $"the low rendition lost {videoWritten - low} frames, the top {videoWritten - top}: the top must go first, and far more");
        Assert.Equal(written.Count(f => !f.Video), audio);
        Assert.Equal(0, stats.AudioFramesDropped);
    }

    /// <summary>The access unit (4-byte lengths) with a filler data NAL unit after it.</summary>
    private static byte[] WithFiller(byte[] avcc)
    {
        var bigger = new byte[avcc.Length + 4 + TopExtraBytes];
        avcc.CopyTo(bigger, 0);
        BinaryPrimitives.WriteInt32BigEndian(bigger.AsSpan(avcc.Length), TopExtraBytes);
        bigger[avcc.Length + 4] = 12; // nal_unit_type 12, filler data
        bigger.AsSpan(avcc.Length + 5, TopExtraBytes - 2).Fill(0xFF);
        bigger[^1] = 0x80; // rbsp trailing bits
        return bigger;
    }

    /// <summary>The recorded frames (not sequence headers) per track: default video, video track 1, audio.</summary>
    private static async Task<(int Low, int Top, int Audio)> CountRecordedAsync(string path)
    {
        await using IMediaReader reader = await FlvReader.OpenAsync(File.OpenRead(path), new MediaReaderOptions { AllTracks = true });
        int low = 0, top = 0, audio = 0;
        while (await reader.ReadAsync())
        {
            MediaFrame f = reader.Current;
            if (f.IsConfiguration)
            {
                continue;
            }

            if (f.Track == MediaTrack.Audio)
            {
                audio++;
            }
            else if (f.TrackIndex == 0)
            {
                low++;
            }
            else
            {
                top++;
            }
        }

        return (low, top, audio);
    }
}
