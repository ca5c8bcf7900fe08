using System.Diagnostics.Metrics;

namespace Uplink.Cli;

/// <summary>
/// The library's <c>uplink.send_latency</c> (a message made → its bytes handed to the socket, in ms) over the whole
/// process, as percentiles. In <c>serve --push</c> one publish is relayed at a time, so between
/// <see cref="Reset"/> and <see cref="Percentiles"/> every measurement is that publish's, over all its destinations.
/// </summary>
internal sealed class SendLatency : IDisposable
{
    private const double Resolution = 0.1; // ms per bucket
    private const int Buckets = 100_000;   // up to 10 s; slower goes in the last

    private readonly int[] _counts = new int[Buckets];
    private readonly MeterListener _listener = new();

    public SendLatency()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UplinkMetrics.MeterName && instrument.Name == "uplink.send_latency")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
            Interlocked.Increment(ref _counts[Math.Clamp((int)(ms / Resolution), 0, Buckets - 1)]));
        _listener.Start();
    }

    public void Reset() => Array.Clear(_counts);

    /// <summary>The 50th and 99th percentiles in ms (the upper edge of their bucket), or null when nothing was measured.</summary>
    public (double P50, double P99)? Percentiles()
    {
        int[] counts = [.. _counts];
        long total = counts.Sum(c => (long)c);
        if (total == 0)
        {
            return null;
        }

        return (At(counts, total, 0.50), At(counts, total, 0.99));
    }

    private static double At(int[] counts, long total, double fraction)
    {
        long rank = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return (i + 1) * Resolution;
            }
        }

        return Buckets * Resolution;
    }

    public void Dispose() => _listener.Dispose();
}
