using System.Text.Json;

namespace Uplink.LoadTest;

/// <summary>What one load-test run measured; written as one line of JSON.</summary>
internal sealed record LoadTestResult
{
    public int Streams { get; init; }
    public double Seconds { get; init; }
    public int Bitrate { get; init; }
    public double ConnectSeconds { get; init; }
    public double CpuSeconds { get; init; }
    public double CpuCores { get; init; }
    public double ConnectCpuSeconds { get; init; }
    public double BaselineWorkingSetMiB { get; init; }
    public double PeakWorkingSetMiB { get; init; }
    public double PeakPrivateMiB { get; init; }
    public double MemoryPerStreamKiB { get; init; }
    public double ManagedHeapPerStreamKiB { get; init; }

    /// <summary>Managed heap per stream after a full collection at the end of the run, still connected (what the publishers hold).</summary>
    public double RetainedHeapPerStreamKiB { get; init; }

    /// <summary>Bytes allocated (all threads) per frame written while publishing.</summary>
    public double AllocatedBytesPerFrame { get; init; }

    /// <summary>Median time from a frame's write to its bytes handed to the socket (the meter's <c>uplink.send_latency</c>).</summary>
    public double LatencyP50Ms { get; init; }

    /// <summary>99th percentile of the same.</summary>
    public double LatencyP99Ms { get; init; }
    public long FramesWritten { get; init; }
    public long FramesSent { get; init; }
    public long FramesDropped { get; init; }
    public long BytesSent { get; init; }
    public double SentMbitPerSecond { get; init; }
    public long MaxLagMs { get; init; }
    public long Reconnects { get; init; }
    public int Errors { get; init; }
    public string? FirstError { get; init; }

    /// <summary>Writes the result as one line of camelCase JSON.</summary>
    public void WriteTo(Stream output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("streams", Streams);
        json.WriteNumber("seconds", Math.Round(Seconds, 2));
        json.WriteNumber("bitrate", Bitrate);
        json.WriteNumber("connectSeconds", Math.Round(ConnectSeconds, 2));
        json.WriteNumber("cpuSeconds", Math.Round(CpuSeconds, 3));
        json.WriteNumber("cpuCores", Math.Round(CpuCores, 3));
        json.WriteNumber("connectCpuSeconds", Math.Round(ConnectCpuSeconds, 3));
        json.WriteNumber("baselineWorkingSetMiB", Math.Round(BaselineWorkingSetMiB, 1));
        json.WriteNumber("peakWorkingSetMiB", Math.Round(PeakWorkingSetMiB, 1));
        json.WriteNumber("peakPrivateMiB", Math.Round(PeakPrivateMiB, 1));
        json.WriteNumber("memoryPerStreamKiB", Math.Round(MemoryPerStreamKiB, 1));
        json.WriteNumber("managedHeapPerStreamKiB", Math.Round(ManagedHeapPerStreamKiB, 1));
        json.WriteNumber("retainedHeapPerStreamKiB", Math.Round(RetainedHeapPerStreamKiB, 1));
        json.WriteNumber("allocatedBytesPerFrame", Math.Round(AllocatedBytesPerFrame, 1));
        json.WriteNumber("latencyP50Ms", Math.Round(LatencyP50Ms, 3));
        json.WriteNumber("latencyP99Ms", Math.Round(LatencyP99Ms, 3));
        json.WriteNumber("framesWritten", FramesWritten);
        json.WriteNumber("framesSent", FramesSent);
        json.WriteNumber("framesDropped", FramesDropped);
        json.WriteNumber("bytesSent", BytesSent);
        json.WriteNumber("sentMbitPerSecond", Math.Round(SentMbitPerSecond, 2));
        json.WriteNumber("maxLagMs", MaxLagMs);
        json.WriteNumber("reconnects", Reconnects);
        json.WriteNumber("errors", Errors);
        if (FirstError is null)
        {
            json.WriteNull("firstError");
        }
        else
        {
            json.WriteString("firstError", FirstError);
        }

        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }
}
