using System.Net.Sockets;

namespace Uplink.Transport;

/// <summary>
/// The byte pipe under a connection: a TCP socket (or, in tests, any duplex stream) behind one
/// <see cref="Stream"/>, with the one socket-level operation the protocol needs, a half-close.
/// </summary>
internal sealed class RtmpTransport : IDisposable
{
    private readonly Socket? _socket;

    public RtmpTransport(Stream stream, Socket? socket = null)
    {
        Stream = stream;
        _socket = socket;
    }

    public Stream Stream { get; }

    /// <summary>Opens a TCP connection with TCP_NODELAY and the send buffer size applied.</summary>
    public static async Task<RtmpTransport> ConnectTcpAsync(string host, int port, bool noDelay, int sendBufferSize, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = noDelay };
        try
        {
            if (sendBufferSize > 0)
            {
                socket.SendBufferSize = sendBufferSize;
            }

            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new RtmpTransport(new NetworkStream(socket, ownsSocket: true), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops sending (TCP FIN) while still receiving; a no-op for non-socket streams.</summary>
    public void ShutdownSend()
    {
        try
        {
            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _socket?.Dispose();
    }
}
