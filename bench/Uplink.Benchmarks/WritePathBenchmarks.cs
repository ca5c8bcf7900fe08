using System.Net;
using BenchmarkDotNet.Attributes;
using Uplink.Server;

namespace Uplink.Benchmarks;

/// <summary>
/// The full public write path per frame: <see cref="RtmpWriter.WriteVideoAsync(ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/>
/// of a real 10–40 KB access unit (the clip's P-frames in turn, timestamps 33 ms apart), audio off, publishing over
/// loopback TCP to an in-process <see cref="RtmpServer"/> that records nothing. Tag building, chunking, queueing
/// and the socket send are all in the time. The in-process server runs beside it, so its CPU and allocations land
/// in the numbers too (set UPLINK_BENCH_URL, e.g. rtmp://127.0.0.1:PORT/live/bench to nginx-rtmp, to leave it out).
/// </summary>
[MemoryDiagnoser]
public class WritePathBenchmarks
{
    private RtmpServer? _server;
    private RtmpWriter _writer = null!;
    private ReadOnlyMemory<byte>[] _frames = [];
    private int _next;
    private long _timestampMs;

    /// <summary>How the writer's video pin receives access units.</summary>
    [Params("LengthPrefixed", "AnnexB")]
    public string Input { get; set; } = "LengthPrefixed";

    /// <summary>"none": no logger; "trace3": a logger factory at the CLI's --trace 3 (Information) with a sink that keeps nothing.</summary>
    [Params("none", "trace3")]
    public string Log { get; set; } = "none";

    private Microsoft.Extensions.Logging.ILoggerFactory? _log;

    /// <summary>Starts the server, connects the writer and sends the first keyframe.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        BenchmarkClip clip = await BenchmarkClip.LoadAsync().ConfigureAwait(false);
        bool annexB = Input == "AnnexB";
        string? url = Environment.GetEnvironmentVariable("UPLINK_BENCH_URL");
        if (string.IsNullOrEmpty(url))
        {
            _server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), IdleTimeout = TimeSpan.FromHours(1) });
            await _server.StartAsync().ConfigureAwait(false);
            url = $"rtmp://127.0.0.1:{_server.Port}/live/bench";
        }

        if (Log == "trace3")
        {
            _log = new Microsoft.Extensions.Logging.LoggerFactory([new DiscardingLoggerProvider()], new Microsoft.Extensions.Logging.LoggerFilterOptions { MinLevel = Microsoft.Extensions.Logging.LogLevel.Information });
        }

        _writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = url,
            LoggerFactory = _log,
            Video = annexB ? VideoMediaType.H264AnnexB : VideoMediaType.H264(clip.VideoConfiguration),
            Audio = null,
        });
        await _writer.ConnectAsync().ConfigureAwait(false);

        byte[] first = annexB ? BenchmarkClip.ToAnnexB(clip.VideoFrames[0], clip.Sps, clip.Pps) : clip.VideoFrames[0];
        await _writer.WriteVideoAsync(first, TimeSpan.Zero).ConfigureAwait(false);

        var frames = new List<ReadOnlyMemory<byte>>();
        long bytes = 0;
        for (int i = 0; i < clip.VideoFrames.Count; i++)
        {
            byte[] frame = clip.VideoFrames[i];
            if (!clip.Keyframes[i] && frame.Length is >= 10_000 and <= 40_000)
            {
                frames.Add(annexB ? BenchmarkClip.ToAnnexB(frame) : frame);
                bytes += frame.Length;
            }
        }

        if (frames.Count == 0)
        {
            throw new InvalidOperationException("the benchmark clip has no P-frame of 10–40 KB");
        }

        _frames = [.. frames];
        Console.WriteLine($"// {_frames.Length} access units of 10–40 KB, {bytes / _frames.Length} bytes on average; server: {url}");
    }

    /// <summary>Disconnects the writer and stops the server.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        RtmpWriterStats stats = _writer.GetStats();
        Console.WriteLine($"// sent {stats.VideoFramesSent} frames, {stats.BytesSent} bytes, dropped {stats.VideoFramesDropped}");
        await _writer.DisposeAsync().ConfigureAwait(false);
        _log?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One access unit, written and sent.</summary>
    [Benchmark]
    public ValueTask WriteVideo()
    {
        ReadOnlyMemory<byte> frame = _frames[_next];
        _next = _next + 1 == _frames.Length ? 0 : _next + 1;
        _timestampMs += 33;
        return _writer.WriteVideoAsync(frame, TimeSpan.FromMilliseconds(_timestampMs));
    }
}
