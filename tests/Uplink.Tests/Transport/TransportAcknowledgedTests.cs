using System.Net;
using System.Net.Sockets;
using Uplink.Transport;

namespace Uplink.Tests.Transport;

/// <summary>What the peer's TCP acknowledged stands in for a server that sends no RTMP acknowledgements.</summary>
public class TransportAcknowledgedTests
{
    [Fact]
    public async Task Bytes_the_peer_read_are_reported_acknowledged_on_linux_and_unknown_elsewhere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using Socket peer = await listener.AcceptSocketAsync();
        using var transport = new RtmpTransport(new NetworkStream(socket, ownsSocket: true), socket);

        byte[] data = new byte[200_000];
        Task reading = Task.Run(async () =>
        {
            byte[] buffer = new byte[65536];
            int total = 0;
            while (total < data.Length)
            {
                total += await peer.ReceiveAsync(buffer);
            }
        });
        await transport.Stream.WriteAsync(data);
        await reading.WaitAsync(TimeSpan.FromSeconds(10));

        if (!OperatingSystem.IsLinux())
        {
            Assert.False(transport.TryGetBytesAcknowledged(out _));
            return;
        }

        // The peer's kernel acknowledges what its socket took; there is no event for it, so look until it has.
        long acknowledged = 0;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && Assert.IsType<bool>(transport.TryGetBytesAcknowledged(out acknowledged)) && acknowledged < data.Length)
        {
            await Task.Delay(10);
        }

        Assert.Equal(data.Length, acknowledged);

        // Once the socket is gone the figure is not known any more (the connection keeps the last one it read).
        transport.Dispose();
        Assert.False(transport.TryGetBytesAcknowledged(out _));
    }

    [Fact]
    public void A_transport_without_a_socket_knows_nothing()
    {
        using var transport = new RtmpTransport(new MemoryStream());
        Assert.False(transport.TryGetBytesAcknowledged(out _));
    }
}

/// <summary>TCP's figure counts only once it has settled: what a live server has read since.</summary>
public class SettledAcknowledgementsTests
{
    private static long Ms(long ms) => ms * System.Diagnostics.Stopwatch.Frequency / 1000;

    [Fact]
    public void A_figure_counts_a_second_after_it_was_read_and_never_goes_back()
    {
        var settled = new SettledAcknowledgements();
        Assert.Equal(0, settled.Sample(100, Ms(0)));
        Assert.Equal(0, settled.Sample(5_000, Ms(500)));
        Assert.Equal(100, settled.Sample(9_000, Ms(1_000)));
        Assert.Equal(5_000, settled.SettledAt(Ms(1_600)));

        // Nothing newer than a second, however long it has been: the socket is gone, the last figures stand.
        Assert.Equal(9_000, settled.SettledAt(Ms(60_000)));
    }
}
