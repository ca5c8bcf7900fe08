using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Uplink.Status;

/// <summary>
/// Raises the writer's notifications off the I/O path: they go through a single-reader channel and one loop
/// runs them in order. A handler that throws is logged and ignored; one that blocks delays only later
/// notifications, never the stream.
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    private readonly Channel<Action> _channel = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a notification; it runs after every one queued before it.</summary>
    public void Post(Action notification) => _channel.Writer.TryWrite(notification);

    /// <summary>Runs what is queued, then stops; waits at most <paramref name="timeout"/> for a slow handler.</summary>
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
        await foreach (Action notification in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                notification();
            }
#pragma warning disable CA1031 // A user's handler may throw anything; it must never hurt the writer.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                WriterLog.HandlerFailed(_logger, ex);
            }
        }
    }
}
