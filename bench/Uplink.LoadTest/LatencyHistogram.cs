using System.Diagnostics.Metrics;

namespace Uplink.LoadTest;

/// <summary>
/// Listens to the Uplink meter's <c>uplink.send_latency</c> (write to socket, per frame) and keeps it in log-spaced
/// buckets (5 % wide, from 1 µs): constant memory whatever the number of frames, percentiles to within a bucket.
/// </summary>
internal sealed class LatencyHistogram : IDisposable
{
    private const double Growth = 1.05;
    private const double FirstMicroseconds = 1;
    private readonly long[] _counts = new long[400];
    private readonly MeterListener _listener = new();
    private long _total;

    public LatencyHistogram()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UplinkMetrics.MeterName && instrument.Name == "uplink.send_latency")
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, state) => ((LatencyHistogram)state!).Record(value));
    }

    /// <summary>Starts counting (before, frames are not counted: connecting is not publishing).</summary>
    public void Start() => _listener.Start();

    public long Count => Interlocked.Read(ref _total);

    /// <summary>The latency (ms) below which <paramref name="fraction"/> of the frames fall (the bucket's upper edge).</summary>
    public double Percentile(double fraction)
    {
        long total = Count;
        if (total == 0)
        {
            return 0;
        }

        long wanted = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= wanted)
            {
                return FirstMicroseconds * Math.Pow(Growth, i + 1) / 1000;
            }
        }

        return FirstMicroseconds * Math.Pow(Growth, _counts.Length) / 1000;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(double milliseconds)
    {
        double microseconds = Math.Max(milliseconds * 1000, FirstMicroseconds);
        int bucket = Math.Min((int)(Math.Log(microseconds / FirstMicroseconds) / Math.Log(Growth)), _counts.Length - 1);
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _total);
    }
}
