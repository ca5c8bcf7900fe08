using Uplink.IntegrationTests.Peers;

namespace Uplink.IntegrationTests.Fixtures;

/// <summary>One running peer per test class (xunit class fixture); stopped when the class is done.</summary>
public abstract class RtmpPeerFixture : IAsyncLifetime
{
    private IRtmpPeer? _peer;

    /// <summary>The running peer.</summary>
    public IRtmpPeer Peer => _peer ?? throw new InvalidOperationException("The peer did not start.");

    /// <inheritdoc/>
    public async Task InitializeAsync() => _peer = await StartPeerAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_peer is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    /// <summary>Starts the peer; fails loudly when it is not installed.</summary>
    protected abstract Task<IRtmpPeer> StartPeerAsync();
}
