using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Fixtures;

/// <summary>A Node-Media-Server peer with an RTMPS port and a self-signed certificate, for one test class.</summary>
public sealed class NodeMediaServerRtmpsFixture : IAsyncLifetime
{
    private NodeMediaServer? _server;

    public NodeMediaServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await NodeMediaServer.StartAsync(rtmps: true);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
