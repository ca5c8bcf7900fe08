using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Uplink.Server;
using Uplink.Testing;

namespace Uplink.Tests.Faults;

/// <summary>
/// The fault-injection proxy against plain TCP peers made here (127.0.0.1:0) and against ffmpeg publishing to the
/// embedded server: it forwards bytes unchanged, and each fault does what it says.
/// </summary>
public sealed class FaultInjectionProxyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return listener;
    }

    private static IPEndPoint EndPointOf(Socket listener) => (IPEndPoint)listener.LocalEndPoint!;

    private static async Task<Socket> ConnectAsync(FaultInjectionProxy proxy, int sendBufferSize = 0)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (sendBufferSize > 0)
        {
            client.SendBufferSize = sendBufferSize;
        }

        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port));
        return client;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    /// <summary>Reads until the peer closes its sending side; returns every byte.</summary>
    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var all = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> into)
    {
        while (!into.IsEmpty)
        {
            int read = await socket.ReceiveAsync(into, SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException($"the peer closed with {into.Length} bytes still expected");
            }

            into = into[read..];
        }
    }

    /// <summary>Accepts one connection and sends back everything it reads; closes its sending side at the client's end.</summary>
    private static async Task EchoOneAsync(Socket listener)
    {
        using Socket peer = await listener.AcceptAsync();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await peer.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            await SendAllAsync(peer, buffer.AsMemory(0, read));
        }

        peer.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Accepts one connection and returns everything it read until the client's end.</summary>
    private static async Task<byte[]> SinkOneAsync(Socket listener)
    {
        using Socket peer = await listener.AcceptAsync();
        byte[] all = await ReadToEndAsync(peer);
        peer.Shutdown(SocketShutdown.Send);
        return all;
    }

    private static async Task AssertResetAsync(Task<int> pendingReceive, string side)
    {
        var failure = await Assert.ThrowsAsync<SocketException>(() => pendingReceive.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(failure.SocketErrorCode == SocketError.ConnectionReset, $"{side}: {failure.SocketErrorCode} ({failure.Message}), expected a reset");
    }

    [Fact]
    public async Task Bytes_pass_intact_both_ways_and_the_counters_match()
    {
        using Socket listener = Listen();
        Task echo = EchoOneAsync(listener);
        await using var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        byte[] data = RandomBytes(5 * 1024 * 1024, seed: 1);

        using Socket client = await ConnectAsync(proxy);
        Task<byte[]> back = ReadToEndAsync(client);
        await SendAllAsync(client, data);
        client.Shutdown(SocketShutdown.Send);

        byte[] echoed = await back.WaitAsync(Generous);
        await echo.WaitAsync(Generous);
        Assert.Equal(data.Length, echoed.Length);
        Assert.True(data.AsSpan().SequenceEqual(echoed), "the echoed bytes differ from the sent ones");
        Assert.Equal(1, proxy.ConnectionsAccepted);
        Assert.Equal(data.Length, proxy.BytesUpstream);
        Assert.Equal(data.Length, proxy.BytesDownstream);
    }

    [Fact]
    public async Task Stall_blocks_the_clients_writes_and_Resume_delivers_every_byte_in_order()
    {
        using Socket listener = Listen();
        Task<byte[]> received = SinkOneAsync(listener);
        await using var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        byte[] data = RandomBytes(17 * 1024 * 1024, seed: 2);
        const int Before = 1024 * 1024;

        using Socket client = await ConnectAsync(proxy, sendBufferSize: 64 * 1024);
        await SendAllAsync(client, data.AsMemory(0, Before));
        using (var cts = new CancellationTokenSource(Generous))
        {
            await proxy.WaitForUpstreamBytesAsync(Before, cts.Token);
        }

        proxy.Stall();
        Assert.True(proxy.IsStalled);
        Task writing = SendAllAsync(client, data.AsMemory(Before));

        // A timed negative check: 16 MB cannot fit the kernel buffers of a proxy that stopped reading.
        Task first = await Task.WhenAny(writing, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.NotSame(writing, first);
        long forwardedWhileStalled = proxy.BytesUpstream;
        Assert.True(forwardedWhileStalled <= Before + (128 * 1024), $"{forwardedWhileStalled} bytes forwarded, stalled after {Before}");

        proxy.Resume();
        Assert.False(proxy.IsStalled);
        await writing.WaitAsync(Generous);
        client.Shutdown(SocketShutdown.Send);
        byte[] got = await received.WaitAsync(Generous);
        Assert.Equal(data.Length, got.Length);
        Assert.True(data.AsSpan().SequenceEqual(got), "the server got the bytes changed or out of order");
        Assert.Equal(data.Length, proxy.BytesUpstream);
    }

    [Fact]
    public async Task Throttle_at_1_MB_per_second_makes_2_MB_take_at_least_1_5_seconds()
    {
        using Socket listener = Listen();
        Task<byte[]> received = SinkOneAsync(listener);
        await using var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        proxy.Throttle(1_000_000);
        byte[] data = RandomBytes(2_000_000, seed: 3);

        using Socket client = await ConnectAsync(proxy);
        var clock = Stopwatch.StartNew();
        await SendAllAsync(client, data);
        client.Shutdown(SocketShutdown.Send);
        byte[] got = await received.WaitAsync(Generous);
        TimeSpan took = clock.Elapsed;

        Assert.True(data.AsSpan().SequenceEqual(got), "the throttled bytes differ");
        Assert.True(took >= TimeSpan.FromSeconds(1.5), $"2 MB at 1 MB/s took only {took.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task CutAll_resets_both_sides_and_a_new_connection_still_works()
    {
        using Socket listener = Listen();
        await using var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        using Socket client = await ConnectAsync(proxy);
        using Socket server = await listener.AcceptAsync().WaitAsync(Generous);
        byte[] hello = "hello"u8.ToArray();
        await SendAllAsync(client, hello);
        byte[] got = new byte[hello.Length];
        await ReceiveExactlyAsync(server, got).WaitAsync(Generous);
        await SendAllAsync(server, got);
        await ReceiveExactlyAsync(client, got).WaitAsync(Generous);
        Assert.Equal(hello, got);

        Task<int> clientRead = client.ReceiveAsync(new byte[16], SocketFlags.None);
        Task<int> serverRead = server.ReceiveAsync(new byte[16], SocketFlags.None);
        proxy.CutAll();
        await AssertResetAsync(clientRead, "client");
        await AssertResetAsync(serverRead, "server");

        using Socket client2 = await ConnectAsync(proxy);
        using Socket server2 = await listener.AcceptAsync().WaitAsync(Generous);
        await SendAllAsync(client2, hello);
        await ReceiveExactlyAsync(server2, got).WaitAsync(Generous);
        Assert.Equal(hello, got);
        Assert.Equal(2, proxy.ConnectionsAccepted);
    }

    [Fact]
    public async Task RefuseNew_resets_new_connections_and_turning_it_off_lets_the_next_one_through()
    {
        using Socket listener = Listen();
        await using var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        proxy.RefuseNew = true;

        // The reset may beat the end of the connect: it shows up as a failed connect or as a failed first read.
        static async Task<int> ConnectAndReadAsync(FaultInjectionProxy proxy)
        {
            using Socket refused = await ConnectAsync(proxy);
            return await refused.ReceiveAsync(new byte[16], SocketFlags.None);
        }

        await AssertResetAsync(ConnectAndReadAsync(proxy), "refused client");
        Assert.Equal((1, 1), (proxy.ConnectionsAccepted, proxy.ConnectionsRefused));

        proxy.RefuseNew = false;
        using Socket client = await ConnectAsync(proxy);
        byte[] hello = "second"u8.ToArray();
        await SendAllAsync(client, hello);

        // The server's first connection is the second client's: the refused one never reached it.
        using Socket server = await listener.AcceptAsync().WaitAsync(Generous);
        byte[] got = new byte[hello.Length];
        await ReceiveExactlyAsync(server, got).WaitAsync(Generous);
        Assert.Equal(hello, got);
        Assert.Equal((2, 1), (proxy.ConnectionsAccepted, proxy.ConnectionsRefused));
    }

    [Fact]
    public async Task Disposing_a_stalled_proxy_with_a_blocked_writer_does_not_hang_and_resets_the_client()
    {
        using Socket listener = Listen();
        var proxy = FaultInjectionProxy.Start(EndPointOf(listener));
        proxy.Stall();
        using Socket client = await ConnectAsync(proxy, sendBufferSize: 64 * 1024);
        using var cts = new CancellationTokenSource(Generous);
        await proxy.WaitForConnectionsAsync(1, cts.Token);
        Task writing = SendAllAsync(client, new byte[16 * 1024 * 1024]);
        Task waiting = proxy.WaitForUpstreamBytesAsync(1, cts.Token);

        await proxy.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<SocketException>(() => writing.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.Equal(0, proxy.BytesUpstream);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500_000)]
    public async Task Ffmpeg_publishing_through_the_proxy_is_recorded_frame_identical(long throttleBytesPerSecond)
    {
        string ffmpeg = FindFfmpeg();
        string work = Directory.CreateTempSubdirectory("uplink-faults-").FullName;
        try
        {
            string clip = Path.Combine(work, "clip.flv");
            await RunFfmpegAsync(ffmpeg, [
                "-hide_banner", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000",
                "-t", "2", "-c:v", "libx264", "-threads", "1", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25", "-bf", "2",
                "-c:a", "aac", "-b:a", "96k", "-ac", "2", "-f", "flv", clip]);

            string recordings = Path.Combine(work, "recordings");
            await using var server = new RtmpServer(new RtmpServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), RecordDirectory = recordings });
            var ended = new TaskCompletionSource<PublishSessionSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.SessionEnded += (_, s) => ended.TrySetResult(s);
            await server.StartAsync();
            await using var proxy = FaultInjectionProxy.Start(new IPEndPoint(IPAddress.Loopback, server.Port));
            proxy.Throttle(throttleBytesPerSecond);

            await RunFfmpegAsync(ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", clip, "-c", "copy", "-f", "flv", $"rtmp://127.0.0.1:{proxy.Port}/live/proxied"]);
            PublishSessionSummary summary = await ended.Task.WaitAsync(Generous);

            Assert.Equal("unpublished", summary.EndReason);
            Assert.Equal(1, proxy.ConnectionsAccepted);
            Assert.True(proxy.BytesUpstream > new FileInfo(clip).Length, $"{proxy.BytesUpstream} bytes forwarded for a {new FileInfo(clip).Length}-byte clip");
            Assert.NotNull(summary.RecordingPath);
            foreach (string stream in (string[])["0:v:0", "0:a:0"])
            {
                IReadOnlyList<string> expected = await FrameHashesAsync(ffmpeg, clip, stream);
                IReadOnlyList<string> actual = await FrameHashesAsync(ffmpeg, summary.RecordingPath, stream);
                Assert.True(expected.Count > 10, $"{stream}: only {expected.Count} frames in the source");
                Assert.Equal(expected, actual);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>ffmpeg on PATH or in /usr/bin; a missing ffmpeg fails the test, never skips it.</summary>
    private static string FindFfmpeg()
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            string candidate = Path.Combine(dir, "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true: the CI image must have it)" : "";
        Assert.Fail($"ffmpeg is not on PATH{ci}; install it with `apt-get install ffmpeg`: this test needs it as the real RTMP client.");
        return "";
    }

    /// <summary>Per-frame "size, md5" of one stream as decoded (every frame, <c>-fps_mode passthrough</c>).</summary>
    private static async Task<IReadOnlyList<string>> FrameHashesAsync(string ffmpeg, string file, string stream)
    {
        string framemd5 = await RunFfmpegAsync(ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-i", file, "-map", stream, "-fps_mode", "passthrough", "-f", "framemd5", "-"]);
        var hashes = new List<string>();
        foreach (string line in framemd5.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line[0] != '#')
            {
                string[] fields = line.Split(',', StringSplitOptions.TrimEntries);
                hashes.Add($"{fields[4]} {fields[5]}");
            }
        }

        return hashes;
    }

    /// <summary>Runs ffmpeg to its end (killed after 60 s) and returns its stdout; a failure fails the test with its stderr.</summary>
    private static async Task<string> RunFfmpegAsync(string ffmpeg, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"ffmpeg {string.Join(' ', start.ArgumentList)} ran over 60 s: {await stderr}");
        }

        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await stderr}");
        return output;
    }
}
