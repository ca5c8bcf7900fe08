using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using Uplink.Server;

namespace Uplink.Benchmarks;

/// <summary>
/// One stream to several destinations, per frame: <see cref="RtmpWriter.WriteVideoAsync(ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/>
/// of the clip's 10–40 KB P-frames (length-prefixed, timestamps 33 ms apart, audio off) with 1 or 3 destinations, each
/// a stream of its own on one in-process <see cref="RtmpServer"/> over loopback TCP (or, with UPLINK_BENCH_URL, on that
/// server: the URL, then the URL with -2, -3 appended). Every case has a 4 MiB send buffer (the CLI's default), so
/// there is a send loop per destination whatever the count; writes run as fast as the slowest destination drains. The
/// in-process server's CPU and allocations land in the numbers, as in <see cref="WritePathBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class DestinationsBenchmarks
{
    private RtmpServer? _server;
    private RtmpWriter _writer = null!;
    private ReadOnlyMemory<byte>[] _frames = [];
    private int _next;
    private long _timestampMs;

    /// <summary>How many destinations the stream goes to.</summary>
    [Params(1, 3)]
    public int Destinations { get; set; } = 1;

    /// <summary>Starts the server, connects every destination and sends the first keyframe.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        BenchmarkClip clip = await BenchmarkClip.LoadAsync().ConfigureAwait(false);
        string? url = Environment.GetEnvironmentVariable("UPLINK_BENCH_URL");
        if (string.IsNullOrEmpty(url))
        {
            _server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), IdleTimeout = TimeSpan.FromHours(1) });
            await _server.StartAsync().ConfigureAwait(false);
            url = $"rtmp://127.0.0.1:{_server.Port}/live/bench";
        }

        _writer = new RtmpWriter(new RtmpWriterOptions
        {
            Url = url,
            Destinations = [.. Enumerable.Range(2, Destinations - 1).Select(i => new RtmpDestinationOptions { Url = $"{url}-{i}" })],
            OutputBufferSize = 4 * 1024 * 1024,
            Video = VideoMediaType.H264(clip.VideoConfiguration),
            Audio = null,
        });
        await _writer.ConnectAsync().ConfigureAwait(false);

        // The other destinations start in the background: wait until each has published, so none of them is measured connecting.
        var started = Stopwatch.StartNew();
        while (!_writer.Destinations.All(d => d.Status == RtmpWriterStatus.Connected && d.ServerInfo is not null))
        {
            if (started.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"destinations not all connected after 10 s: {string.Join(", ", _writer.Destinations)}");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        await _writer.WriteVideoAsync(clip.VideoFrames[0], TimeSpan.Zero).ConfigureAwait(false);

        var frames = new List<ReadOnlyMemory<byte>>();
        long bytes = 0;
        for (int i = 0; i < clip.VideoFrames.Count; i++)
        {
            byte[] frame = clip.VideoFrames[i];
            if (!clip.Keyframes[i] && frame.Length is >= 10_000 and <= 40_000)
            {
                frames.Add(frame);
                bytes += frame.Length;
            }
        }

        if (frames.Count == 0)
        {
            throw new InvalidOperationException("the benchmark clip has no P-frame of 10–40 KB");
        }

        _frames = [.. frames];
        Console.WriteLine($"// {_frames.Length} access units of 10–40 KB, {bytes / _frames.Length} bytes on average; {Destinations} destination(s) from {url}");
    }

    /// <summary>Disconnects the writer (every destination) and stops the server.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (RtmpWriterDestination d in _writer.Destinations)
        {
            RtmpWriterStats stats = d.GetStats();
            Console.WriteLine($"// {d.Name}: {d.Status}, sent {stats.VideoFramesSent} frames, {stats.BytesSent} bytes, dropped {stats.VideoFramesDropped}");
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One access unit, written once and queued for every destination.</summary>
    [Benchmark]
    public ValueTask WriteVideo()
    {
        ReadOnlyMemory<byte> frame = _frames[_next];
        _next = _next + 1 == _frames.Length ? 0 : _next + 1;
        _timestampMs += 33;
        return _writer.WriteVideoAsync(frame, TimeSpan.FromMilliseconds(_timestampMs));
    }
}
