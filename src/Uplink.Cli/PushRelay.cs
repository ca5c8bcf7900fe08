using Microsoft.Extensions.Logging;
using Uplink.Protocol.Chunks;
using Uplink.Server;

namespace Uplink.Cli;

/// <summary>
/// <c>uplink serve --push</c> for one publish: an <see cref="RtmpRelay"/> that forwards every message the server
/// receives to the push URLs, reports each destination's status, and at the end what each one got.
/// </summary>
internal sealed class PushRelay : IRtmpPublishHandler
{
    private readonly PublishSessionInfo _session;
    private readonly RtmpRelay _relay;
    private readonly ServeOutput _output;
    private readonly SendLatency? _latency;

    public PushRelay(PublishSessionInfo session, RtmpWriterOptions options, ServeOutput output, SendLatency? latency)
    {
        _session = session;
        _output = output;
        _latency = latency;
        _latency?.Reset();
        _relay = new RtmpRelay(options);
        _relay.DestinationStatusChanged += (_, e) => _output.PushStatus(_session, e);
    }

    /// <summary>
    /// The relay's options for the push URLs: live mode (the publisher is live, so no destination may hold it back),
    /// a send loop, and reconnection with <c>uplink publish</c>'s defaults (first connection included). Names are the URLs with their secrets
    /// masked, numbered when two would read alike.
    /// </summary>
    public static RtmpWriterOptions Options(IReadOnlyList<string> urls, ILoggerFactory? log)
    {
        var names = new List<string>();
        foreach (string url in urls)
        {
            string name = RtmpUrl.Parse(url).ToString();
            names.Add(names.Contains(name) ? $"{name} #{names.Count + 1}" : name);
        }

        // Unlike publish, the first connection is retried too: a push server down as a publish starts would otherwise miss all of it.
        var reconnect = new RtmpReconnectOptions(PublishDefaults.ReconnectAttempts, TimeSpan.FromSeconds(PublishDefaults.ReconnectDelaySeconds)) { RetryFirstConnect = true };
        return new RtmpWriterOptions
        {
            Url = urls[0],
            Destinations = [.. urls.Skip(1).Select((url, i) => new RtmpDestinationOptions { Url = url, Name = names[i + 1] })],
            LiveMode = true,
            OutputBufferSize = PublishDefaults.BufferSize,
            Reconnect = reconnect,
            LoggerFactory = log,
        };
    }

    public ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _relay.WriteAsync(type, timestamp, body, cancellationToken);

    public async ValueTask OnEndAsync(PublishSessionSummary summary)
    {
        try
        {
            await _relay.EndAsync().ConfigureAwait(false);
        }
        catch (RtmpException)
        {
            // No destination got the whole stream: each one's line below says why.
        }

        var results = _relay.Destinations.Select(d => (d.Name, Stats: d.GetStats(), d.Failure)).ToList();
        (double P50, double P99)? latency = _latency?.Percentiles();

        // Disposing delivers the last status notifications, so they come before the summaries.
        await _relay.DisposeAsync().ConfigureAwait(false);
        foreach ((string name, RtmpWriterStats stats, string? failure) in results)
        {
            _output.PushSummary(_session, name, stats, failure);
        }

        if (latency is { } l)
        {
            _output.PushLatency(_session, l.P50, l.P99);
        }
    }
}
