using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Uplink.Hosting;

/// <summary>
/// Makes a writer when the host starts and ends its stream when the host stops: what is still queued is delivered
/// (waiting for a reconnection up to the writer's CloseTimeout) before the host disposes the writer. Starting does not
/// connect: the writer connects on its first write, or when the application calls ConnectAsync, so a server that is down
/// does not stop the host starting; but a setting that is wrong fails the start.
/// </summary>
/// <remarks>The writer is made in <see cref="StartAsync"/>, not before: hosted services start in the order they were
/// added, so options made in code can read what an earlier one set up (the embedded server's port, say).</remarks>
internal sealed partial class RtmpWriterLifetime(Func<RtmpWriter> resolve, string name, ILogger logger) : IHostedService
{
    private RtmpWriter? _writer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = resolve();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            await _writer.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException ex)
        {
            // The host is stopping either way; the reason (what was not delivered) is what the operator needs.
            StreamEndedWithLoss(logger, name, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ShutdownTimedOut(logger, name);
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "RTMP writer {Name}: the stream did not end cleanly: {Reason}")]
    private static partial void StreamEndedWithLoss(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "RTMP writer {Name}: the host's shutdown timeout passed before the queued stream was delivered")]
    private static partial void ShutdownTimedOut(ILogger logger, string name);
}
