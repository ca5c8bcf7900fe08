using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Fixtures;

/// <summary>An nginx-rtmp peer for one test class.</summary>
public sealed class NginxRtmpFixture : RtmpPeerFixture
{
    /// <inheritdoc/>
    protected override async Task<IRtmpPeer> StartPeerAsync() => await NginxRtmp.StartAsync();
}
