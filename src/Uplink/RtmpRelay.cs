using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Uplink.Destinations;
using Uplink.Protocol.Chunks;
using Uplink.Relaying;
using Uplink.Status;

namespace Uplink;

/// <summary>
/// Forwards a stream received from a publisher — messages as they came: FLV tag bodies, legacy or Enhanced RTMP,
/// Multitrack included, with their timestamps and metadata — to one or more destinations, each with its own connection,
/// buffer, live drops and reconnection with replay. A destination that fails never fails the relay or the others, and a
/// write never waits for one in live mode: set <see cref="RtmpWriterOptions.LiveMode"/> when the publisher is live.
/// </summary>
/// <example><code>
/// await using var relay = new RtmpRelay(new RtmpWriterOptions
/// {
///     Url = "rtmp://a.example/live/key-a",
///     Destinations = [new RtmpDestinationOptions { Url = "rtmp://b.example/live/key-b" }],
///     LiveMode = true,
/// });
/// await relay.WriteAsync(RtmpMessageType.Video, timestamp, tagBody);   // for every message received
/// await relay.EndAsync();                                            // when the publisher ends
/// </code></example>
/// <remarks>
/// The destinations connect once the first coded frame arrives, so <c>connect</c> can announce the codecs (and tracks) the
/// publisher sent configurations for; they start with the latest onMetaData and sequence headers. The writer-side settings
/// of the options (<see cref="RtmpWriterOptions.Video"/>, <see cref="RtmpWriterOptions.Audio"/>, tracks, timecode) are not
/// used: the stream is what the publisher sends.
/// </remarks>
public sealed class RtmpRelay : IAsyncDisposable
{
    private readonly RtmpWriterOptions _options;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly RelayStream _stream = new();
    private readonly StatusReporter _status;
    private readonly ILogger _logger;
    private DestinationSet? _destinations;
    private bool _ended;
    private bool _disposed;

    /// <summary>Creates a relay; nothing connects until the first coded frame is written.</summary>
    /// <param name="options">Where to (<see cref="RtmpWriterOptions.Url"/> and <see cref="RtmpWriterOptions.Destinations"/>) and how.</param>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public RtmpRelay(RtmpWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = RtmpDestinationOptions.WithCredentialsFromUrl(options);
        _logger = options.LoggerFactory?.CreateLogger("Uplink.RtmpRelay") ?? NullLogger.Instance;
        _status = new StatusReporter(this, _options.OnStatusChanged, _logger);
    }

    /// <summary>Raised when the relay's overall state changes: Connected while any destination is.</summary>
    public event EventHandler<RtmpWriterStatusChangedEventArgs>? StatusChanged
    {
        add => _status.StatusChanged += value;
        remove => _status.StatusChanged -= value;
    }

    /// <summary>Raised when one destination's state changes (<see cref="RtmpWriterStatusChangedEventArgs.Destination"/> names it).</summary>
    public event EventHandler<RtmpWriterStatusChangedEventArgs>? DestinationStatusChanged
    {
        add => _status.DestinationStatusChanged += value;
        remove => _status.DestinationStatusChanged -= value;
    }

    /// <summary>The relay's overall state.</summary>
    public RtmpWriterStatus Status => _status.Current;

    /// <summary>The destinations (empty until the first coded frame).</summary>
    public IReadOnlyList<RtmpWriterDestination> Destinations => _destinations is { } set ? [.. set.All.Select(d => new RtmpWriterDestination(d, _stream))] : [];

    /// <summary>
    /// Forwards one message as received. Audio and video go to every destination (copied once, shared); onMetaData is
    /// kept and starts every connection; other data messages go on as they are; other types are ignored. Never fails for
    /// a destination's sake: each one's status and <see cref="RtmpWriterDestination.Failure"/> tell.
    /// </summary>
    /// <param name="type">The message type as received: Audio, Video or DataAmf0 (AMF3 data without its leading byte).</param>
    /// <param name="timestamp">The message's timestamp as received.</param>
    /// <param name="body">The message body (an FLV tag body for audio and video).</param>
    /// <param name="cancellationToken">Cancels waiting for a destination's room (not in live mode).</param>
    /// <exception cref="InvalidOperationException">After <see cref="EndAsync"/>.</exception>
    public async ValueTask WriteAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_ended)
            {
                throw new InvalidOperationException("The relay has ended.");
            }

            if (_destinations is null && RelayStream.IsMedia(type, body.Span))
            {
                _destinations = new DestinationSet(_stream.Describe(_options), _stream, _status, _logger, shared: true);
                _stream.Attach(_destinations);
                await _destinations.StartAsync().ConfigureAwait(false);
            }

            _stream.Add(type, timestamp, body.Span);
            if (_destinations is { } destinations)
            {
                destinations.DropFailed();
                await destinations.SendAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RtmpException)
        {
            // Every destination failed: their statuses said so; the publisher goes on (a recording may still be made).
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The publisher ended: every destination sends what it holds, unpublishes and closes (in parallel).
    /// </summary>
    /// <exception cref="RtmpException">No destination received the whole stream; each one's <see cref="RtmpWriterDestination.Failure"/> says why.</exception>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ended || _disposed)
            {
                return;
            }

            _ended = true;
            if (_destinations is { } destinations)
            {
                await destinations.DisconnectAsync("the publisher ended", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A snapshot of what was sent, summed over the destinations.</summary>
    public RtmpWriterStats GetStats() => _destinations is { } set
        ? set.GetStats() with { VideoFramesWritten = _stream.VideoFramesAccepted, AudioFramesWritten = _stream.AudioFramesAccepted }
        : new RtmpWriterStats(Status, 0, 0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Ends the stream if it has not ended, then releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await EndAsync().ConfigureAwait(false);
        }
        catch (RtmpException)
        {
            // Disposal never throws for destinations that already failed.
        }

        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_destinations is { } destinations)
            {
                await destinations.CloseAsync().ConfigureAwait(false);
            }

            _stream.Dispose();
        }
        finally
        {
            _lock.Release();
        }

        if (_destinations is { } set)
        {
            await set.WaitClosedAsync().ConfigureAwait(false);
        }

        await _status.DisposeAsync().ConfigureAwait(false);
    }
}
