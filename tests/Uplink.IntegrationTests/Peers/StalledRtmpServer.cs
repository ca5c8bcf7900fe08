using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Uplink.IntegrationTests.Peers;

/// <summary>
/// A server that stops reading: on 127.0.0.1 (a free port) it completes the RTMP handshake (reads C0+C1, sends
/// S0+S1+S2 with S2 echoing C1, reads C2) and then never reads again, holding the socket open until disposed — a
/// connect that never gets its answer, then a TCP window that fills. <see cref="HandshakeCompleted"/> says when a
/// client got that far.
/// </summary>
public sealed class StalledRtmpServer : IAsyncDisposable
{
    private const int HandshakeSize = 1536;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _clients = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _handshakeCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _acceptLoop;

    private StalledRtmpServer(TcpListener listener)
    {
        _listener = listener;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a client finished the handshake (and so now waits for a server that never reads).</summary>
    public Task HandshakeCompleted => _handshakeCompleted.Task;

    /// <summary>Listens on 127.0.0.1 on a port the system picks.</summary>
    public static StalledRtmpServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);

        // A small receive window (accepted sockets inherit it), so a client's writes stall soon.
        listener.Server.ReceiveBufferSize = 4096;
        listener.Start();
        return new StalledRtmpServer(listener);
    }

    /// <summary>The URL to publish <paramref name="streamName"/> to.</summary>
    public string PublishUrl(string streamName) => string.Create(CultureInfo.InvariantCulture, $"rtmp://127.0.0.1:{Port}/live/{streamName}");

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        lock (_gate)
        {
            foreach (Socket client in _clients)
            {
                client.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_gate)
            {
                _clients.Add(client);
            }

            _ = HandshakeAsync(client);
        }
    }

    private async Task HandshakeAsync(Socket client)
    {
        try
        {
            byte[] c0c1 = new byte[1 + HandshakeSize];
            await ReadExactlyAsync(client, c0c1);
            byte[] s0s1s2 = new byte[1 + (2 * HandshakeSize)];
            s0s1s2[0] = 3;
            c0c1.AsSpan(1).CopyTo(s0s1s2.AsSpan(1 + HandshakeSize));
            await client.SendAsync(s0s1s2, SocketFlags.None, _stop.Token);
            await ReadExactlyAsync(client, new byte[HandshakeSize]);
            _handshakeCompleted.TrySetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
            // The client went away or the server is stopping: nothing to stall.
        }
    }

    private async Task ReadExactlyAsync(Socket client, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }
    }
}
