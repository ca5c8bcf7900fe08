using Microsoft.Extensions.Hosting;
using Uplink.Server;

namespace Uplink.Hosting;

/// <summary>Runs the embedded RTMP server for the host's lifetime: listening once the host starts, closed when it stops.</summary>
internal sealed class RtmpServerLifetime(RtmpServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
}
