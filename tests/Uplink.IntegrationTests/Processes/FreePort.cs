using System.Net;
using System.Net.Sockets;

namespace Uplink.IntegrationTests.Processes;

/// <summary>Picks a TCP port on 127.0.0.1 that is free right now (callers retry if it gets taken before they bind).</summary>
public static class FreePort
{
    /// <summary>Binds 127.0.0.1:0, reads the port the kernel chose and releases it.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Polls (bounded) until 127.0.0.1:<paramref name="port"/> accepts a TCP connection; fails early when
    /// <paramref name="server"/> exits (e.g. the port was taken meanwhile).
    /// </summary>
    /// <returns>True when the port accepts connections, false when the server exited first.</returns>
    public static async Task<bool> WaitUntilListeningAsync(int port, ExternalProcess server, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!server.HasExited)
        {
            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    // Not listening yet.
                }
                catch (SocketException ex)
                {
                    throw new TimeoutException($"`{server.CommandLine}` did not accept TCP on 127.0.0.1:{port} within {timeout.TotalSeconds:0.#} s ({ex.SocketErrorCode}).\n{server.StandardError}", ex);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return false;
    }
}
