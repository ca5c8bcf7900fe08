using Microsoft.Extensions.Logging;

namespace Uplink.Status;

/// <summary>
/// The writer's status and its delivery: <see cref="RtmpWriterOptions.OnStatusChanged"/>, <see cref="StatusChanged"/> and
/// <see cref="ServerStatusReceived"/> run through one <see cref="EventDispatcher"/>, in order and off the I/O path.
/// </summary>
internal sealed class StatusReporter : IAsyncDisposable
{
    private readonly object _sender;
    private readonly Action<RtmpWriterStatusChangedEventArgs>? _callback;
    private readonly ILogger _logger;
    private readonly EventDispatcher _dispatcher;
    private volatile RtmpWriterStatus _current = RtmpWriterStatus.Disconnected;

    public StatusReporter(object sender, Action<RtmpWriterStatusChangedEventArgs>? callback, ILogger logger)
    {
        _sender = sender;
        _callback = callback;
        _logger = logger;
        _dispatcher = new EventDispatcher(logger);
    }

    public event EventHandler<RtmpWriterStatusChangedEventArgs>? StatusChanged;

    public event EventHandler<RtmpServerStatus>? ServerStatusReceived;

    public event EventHandler<RtmpWriterStatusChangedEventArgs>? DestinationStatusChanged;

    public RtmpWriterStatus Current => _current;

    /// <summary>Records a new status and raises it; a second Disconnected in a row is not news.</summary>
    public void Set(RtmpWriterStatus status, string reason)
    {
        if (_current == status && status == RtmpWriterStatus.Disconnected)
        {
            return;
        }

        _current = status;
        WriterLog.StatusChanged(_logger, status, reason);
        var change = new RtmpWriterStatusChangedEventArgs(status, reason, DateTimeOffset.UtcNow);
        _dispatcher.Post(() => Deliver(change));
    }

    /// <summary>Raises one destination's status change (<see cref="RtmpWriterStatusChangedEventArgs.Destination"/> names it).</summary>
    /// <param name="destination">Its name.</param>
    /// <param name="status">Its new state.</param>
    /// <param name="reason">Why.</param>
    /// <param name="log">Log it (a stream with one destination logs the stream's status alone).</param>
    public void SetDestination(string destination, RtmpWriterStatus status, string reason, bool log)
    {
        if (log)
        {
            WriterLog.DestinationStatusChanged(_logger, destination, status, reason);
        }

        if (DestinationStatusChanged is not null)
        {
            var change = new RtmpWriterStatusChangedEventArgs(status, reason, DateTimeOffset.UtcNow) { Destination = destination };
            _dispatcher.Post(() => Raise(DestinationStatusChanged, change));
        }
    }

    /// <summary>Raises an <c>onStatus</c> the server sent: never on the receive loop, so a slow handler cannot stall acknowledgements and pings.</summary>
    public void ServerStatus(RtmpServerStatus status)
    {
        if (ServerStatusReceived is not null)
        {
            _dispatcher.Post(() => ServerStatusReceived?.Invoke(_sender, status));
        }
    }

    public ValueTask DisposeAsync() => _dispatcher.DisposeAsync();

    private void Deliver(RtmpWriterStatusChangedEventArgs change)
    {
        Exception? first = null;
        try
        {
            _callback?.Invoke(change);
        }
#pragma warning disable CA1031 // A user's callback may throw anything; it must never hurt the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            first = ex;
        }

        Raise(StatusChanged, change);
        if (first is not null)
        {
            WriterLog.StatusHandlerFailed(_logger, first, change.Status);
        }
    }

    private void Raise(EventHandler<RtmpWriterStatusChangedEventArgs>? handlers, RtmpWriterStatusChangedEventArgs change)
    {
        if (handlers is not null)
        {
            foreach (EventHandler<RtmpWriterStatusChangedEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<RtmpWriterStatusChangedEventArgs>>())
            {
                try
                {
                    handler(_sender, change);
                }
#pragma warning disable CA1031
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    WriterLog.StatusHandlerFailed(_logger, ex, change.Status);
                }
            }
        }
    }
}
