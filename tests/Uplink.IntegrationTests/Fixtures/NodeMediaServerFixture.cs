using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Fixtures;

/// <summary>A Node-Media-Server peer for one test class.</summary>
public sealed class NodeMediaServerFixture : RtmpPeerFixture
{
    /// <inheritdoc/>
    protected override async Task<IRtmpPeer> StartPeerAsync() => await Peers.NodeMediaServer.StartAsync();
}
