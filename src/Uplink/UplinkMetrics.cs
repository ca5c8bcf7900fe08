using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Uplink;

/// <summary>
/// The <c>System.Diagnostics.Metrics</c> meter "Uplink": what every writer in the process sends, for
/// dotnet-counters, OpenTelemetry or any <see cref="MeterListener"/>. Counters are tagged with the track
/// (<c>video</c>/<c>audio</c>) where that applies. Without a listener, recording costs a flag check.
/// </summary>
public static class UplinkMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Uplink";

    private static readonly Meter Meter = new(MeterName, UplinkVersion.Value);

    internal static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("uplink.bytes_sent", "By", "Bytes handed to the transport, handshake and protocol included.");

    internal static readonly Counter<long> FramesSent = Meter.CreateCounter<long>("uplink.frames_sent", "{frame}", "Frames sent, by track.");

    internal static readonly Counter<long> FramesDropped = Meter.CreateCounter<long>("uplink.frames_dropped", "{frame}", "Frames not sent, by track (e.g. before the first parameter sets).");

    internal static readonly Counter<long> Connections = Meter.CreateCounter<long>("uplink.connections", "{connection}", "Connections that reached publishing.");

    internal static readonly Counter<long> ConnectionsLost = Meter.CreateCounter<long>("uplink.connections_lost", "{connection}", "Connections lost without being asked to close.");

    internal static readonly Counter<long> BytesAcknowledged = Meter.CreateCounter<long>("uplink.bytes_acknowledged", "By", "Bytes the servers acknowledged having received.");

    internal static readonly Histogram<double> SendLatency = Meter.CreateHistogram<double>(
        "uplink.send_latency", "ms", "From a frame's write to its bytes handed to the socket (queueing, interleaving and the socket write).");

    internal static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("uplink.reconnects", "{connection}", "Connections restored after a loss.");

    /// <summary>Writers alive in the process, for the gauges (weakly held: an undisposed writer does not leak).</summary>
    private static readonly ConditionalWeakTable<RtmpWriter, object?> Writers = [];

    private static readonly ObservableUpDownCounter<long> QueuedBytes = Meter.CreateObservableUpDownCounter(
        "uplink.queued_bytes", () => Sum(static s => s.QueuedBytes), "By", "Bytes written and not yet handed to the socket, all writers.");

    private static readonly ObservableUpDownCounter<long> BufferedBytes = Meter.CreateObservableUpDownCounter(
        "uplink.buffered_bytes", () => Sum(static s => s.BufferedBytes), "By", "Bytes held for sending or for a replay after a reconnect (not yet acknowledged), all writers.");

    internal static void Track(RtmpWriter writer) => Writers.AddOrUpdate(writer, null);

    internal static void Untrack(RtmpWriter writer) => Writers.Remove(writer);

    private static long Sum(Func<RtmpWriterStats, long> value)
    {
        long total = 0;
        foreach (KeyValuePair<RtmpWriter, object?> entry in Writers)
        {
            total += value(entry.Key.GetStats());
        }

        return total;
    }

    internal static readonly KeyValuePair<string, object?> VideoTrack = new("track", "video");

    internal static readonly KeyValuePair<string, object?> AudioTrack = new("track", "audio");
}
