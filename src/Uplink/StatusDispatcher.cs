using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Uplink;

/// <summary>
/// Raises status notifications off the I/O path: changes go through a single-reader channel and one loop
/// calls the handlers in order. A handler that throws is logged and ignored; one that blocks delays only
/// later notifications, never the stream.
/// </summary>
internal sealed class StatusDispatcher : IAsyncDisposable
{
    private readonly Channel<RtmpWriterStatusChangedEventArgs> _channel = Channel.CreateUnbounded<RtmpWriterStatusChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<RtmpWriterStatusChangedEventArgs, ValueTask> _deliver;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public StatusDispatcher(Func<RtmpWriterStatusChangedEventArgs, ValueTask> deliver, ILogger logger)
    {
        _deliver = deliver;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(RtmpWriterStatusChangedEventArgs change) => _channel.Writer.TryWrite(change);

    /// <summary>Delivers what is queued, then stops; waits at most <paramref name="timeout"/> for a slow handler.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _channel.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            WriterLog.SlowStatusHandler(_logger, timeout.TotalSeconds);
        }
    }

    public ValueTask DisposeAsync() => new(CompleteAsync(TimeSpan.FromSeconds(5)));

    private async Task RunAsync()
    {
        await foreach (RtmpWriterStatusChangedEventArgs change in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _deliver(change).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A user's handler may throw anything; it must never hurt the writer.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                WriterLog.StatusHandlerFailed(_logger, ex, change.Status);
            }
        }
    }
}
