using System.Diagnostics;
using System.Globalization;

namespace Uplink.LoadTest;

/// <summary>
/// Connects N publishers, paces them all in real time from one loop (a 10 ms tick on a shared stopwatch), runs
/// for the given time, disconnects them and adds up CPU, memory and the writers' statistics.
/// </summary>
internal sealed class LoadRunner
{
    private const int TickMs = 10;
    private const int DisconnectConcurrency = 100;
    private readonly LoadTestSettings _settings;
    private readonly TextWriter _progress;

    public LoadRunner(LoadTestSettings settings, TextWriter progress)
    {
        _settings = settings;
        _progress = progress;
    }

    public async Task<LoadTestResult> RunAsync(CancellationToken cancellationToken)
    {
        SyntheticStream stream = await SyntheticStream.LoadAsync(_settings.ClipPath, _settings.Bitrate).ConfigureAwait(false);
        var memory = new MemorySampler();
        (long baselineWorkingSet, long baselineHeap) = memory.Baseline();
        var clock = new Stopwatch();
        int n = _settings.Streams;
        var publishers = new Publisher[n];
        for (int i = 0; i < n; i++)
        {
            var writer = new RtmpWriter(new RtmpWriterOptions
            {
                Url = _settings.Url + "/s" + i.ToString(CultureInfo.InvariantCulture),
                Video = stream.Video,
                Audio = stream.Audio,
                Reconnect = new RtmpReconnectOptions(_settings.ReconnectAttempts, TimeSpan.FromSeconds(1)),
                InterleaveWindow = _settings.InterleaveWindowMs < 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(_settings.InterleaveWindowMs),
                OutputBufferSize = _settings.BufferSize,
            });
            publishers[i] = new Publisher(writer, stream, clock, i * 1000L / n);
        }

        TimeSpan cpuStart = memory.TotalProcessorTime;
        var connectTime = Stopwatch.StartNew();
        await ForEachAsync(publishers, _settings.ConnectConcurrency, ConnectAsync, cancellationToken).ConfigureAwait(false);
        connectTime.Stop();
        TimeSpan cpuConnected = memory.TotalProcessorTime;
        _progress.WriteLine($"{n} publishers connected in {connectTime.Elapsed.TotalSeconds:0.0} s; publishing for {_settings.Seconds} s");

        using var latency = new LatencyHistogram();
        latency.Start();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long endMs = (long)(_settings.Seconds * 1000);
        long nextSampleMs = 0;
        clock.Start();
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(TickMs)))
        {
            while (clock.ElapsedMilliseconds < endMs && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long now = Math.Min(clock.ElapsedMilliseconds, endMs);
                foreach (Publisher p in publishers)
                {
                    p.Tick(now);
                }

                if (now >= nextSampleMs)
                {
                    memory.Sample();
                    nextSampleMs += 1000;
                }
            }
        }

        foreach (Publisher p in publishers)
        {
            await p.Sending.ConfigureAwait(false);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        memory.Sample();
        TimeSpan cpuEnd = memory.TotalProcessorTime;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        // What the publishers hold, garbage excluded: the heap after a full collection, still connected.
        long retainedHeap = GC.GetTotalMemory(forceFullCollection: true) - baselineHeap;
        latency.Dispose();
        _progress.WriteLine($"published for {seconds:0.0} s; disconnecting");

        await ForEachAsync(publishers, DisconnectConcurrency, DisconnectAsync, cancellationToken).ConfigureAwait(false);
        LoadTestResult result = Summarise(publishers, seconds, connectTime.Elapsed, cpuConnected - cpuStart, cpuEnd - cpuConnected, memory, baselineWorkingSet, baselineHeap);
        return result with
        {
            RetainedHeapPerStreamKiB = retainedHeap / 1024.0 / n,
            AllocatedBytesPerFrame = result.FramesWritten == 0 ? 0 : allocated / (double)result.FramesWritten,
            LatencyP50Ms = latency.Percentile(0.5),
            LatencyP99Ms = latency.Percentile(0.99),
        };
    }

    private static async Task ConnectAsync(Publisher publisher, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.Writer.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            publisher.Fail("connect: " + ex.Message);
        }
    }

    private static async Task DisconnectAsync(Publisher publisher, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.Writer.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            publisher.Fail("disconnect: " + ex.Message);
        }
    }

    private static async Task ForEachAsync(Publisher[] publishers, int concurrency, Func<Publisher, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = new Task[publishers.Length];
        for (int i = 0; i < publishers.Length; i++)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            tasks[i] = RunAndReleaseAsync(publishers[i], action, gate, cancellationToken);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task RunAndReleaseAsync(Publisher publisher, Func<Publisher, CancellationToken, Task> action, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        try
        {
            await action(publisher, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private LoadTestResult Summarise(Publisher[] publishers, double seconds, TimeSpan connectTime, TimeSpan connectCpu, TimeSpan runCpu,
        MemorySampler memory, long baselineWorkingSet, long baselineHeap)
    {
        long written = 0, sent = 0, dropped = 0, bytes = 0, reconnects = 0, maxLag = 0;
        int errors = 0;
        string? firstError = null;
        foreach (Publisher p in publishers)
        {
            RtmpWriterStats s = p.Writer.GetStats();
            written += p.FramesWritten;
            sent += s.VideoFramesSent + s.AudioFramesSent;
            dropped += s.VideoFramesDropped + s.AudioFramesDropped;
            bytes += s.BytesSent;
            reconnects += s.Reconnects;
            maxLag = Math.Max(maxLag, p.MaxLagMs);
            if (p.Error is not null)
            {
                errors++;
                firstError ??= $"s{Array.IndexOf(publishers, p)}: {p.Error}";
            }
        }

        int n = publishers.Length;
        const double MiB = 1024 * 1024;
        return new LoadTestResult
        {
            Streams = n,
            Seconds = seconds,
            Bitrate = _settings.Bitrate,
            ConnectSeconds = connectTime.TotalSeconds,
            CpuSeconds = runCpu.TotalSeconds,
            CpuCores = runCpu.TotalSeconds / seconds,
            ConnectCpuSeconds = connectCpu.TotalSeconds,
            BaselineWorkingSetMiB = baselineWorkingSet / MiB,
            PeakWorkingSetMiB = memory.PeakWorkingSet / MiB,
            PeakPrivateMiB = memory.PeakPrivate / MiB,
            MemoryPerStreamKiB = (memory.PeakWorkingSet - baselineWorkingSet) / 1024.0 / n,
            ManagedHeapPerStreamKiB = (memory.PeakManagedHeap - baselineHeap) / 1024.0 / n,
            FramesWritten = written,
            FramesSent = sent,
            FramesDropped = dropped,
            BytesSent = bytes,
            SentMbitPerSecond = bytes * 8 / seconds / 1e6,
            MaxLagMs = maxLag,
            Reconnects = reconnects,
            Errors = errors,
            FirstError = firstError,
        };
    }
}
