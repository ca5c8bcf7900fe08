using System.Net;
using System.Net.Sockets;
using Uplink.Protocol;
using Uplink.Protocol.Chunks;
using Uplink.Server;

namespace Uplink.Fuzz.Targets;

/// <summary>
/// The embedded server's handling of a publisher's bytes: an <see cref="RtmpServer"/> on 127.0.0.1 (one per process,
/// recording to a temporary folder, with a publish handler that reads every message) is sent a valid C0/C1/C2 and then
/// the input, and the publisher's side is shut down. The documented outcome is the connection's close with a reason
/// (protocol error, client closed, ...); a connection that fails unexpectedly (an exception the server did not expect,
/// logged as internal error), a publish handler failure, no close within <see cref="FuzzBounds.Timeout"/>, or runaway
/// allocation is a finding.
/// </summary>
internal static class ServerTarget
{
    // What one connection may allocate beyond the input-proportional allowance: the connection's buffers and a
    // recorder's, the handshake, the answers; a message up to the server's bound is the input's own bytes.
    private const long ConnectionAllowance = 4L * 1024 * 1024;

    private static readonly Lazy<Harness> Server = new(Harness.Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>C0 (version 3) + C1 (no digest) + C2: the server's handshake, so the input starts with the first chunk.</summary>
    public static readonly byte[] HandshakePrefix = [3, .. new byte[2 * HandshakePacket.Size]];

    public static FuzzTarget Target() =>
        new("server", "RtmpServer: a publisher's bytes after a valid C0/C1/C2 (connect, publish, media, recording, publish handler)", Run);

    private static string Run(byte[] input)
    {
        Harness harness = Server.Value;
        long before = GC.GetTotalAllocatedBytes(precise: false);
        string reason = FuzzBounds.Complete(new ValueTask<string>(harness.RunAsync(input)), "server connection");
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
        long limit = ConnectionAllowance + FuzzBounds.AllocationLimit(input.Length);
        if (allocated > limit)
        {
            throw new FuzzFindingException($"server: allocated {allocated} bytes for {input.Length} bytes of input");
        }

        if (ServerLogWatch.Verbose)
        {
            return reason;
        }

        int colon = reason.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? reason : reason[..colon];
    }

    /// <summary>The server, its recording folder and the log it is watched through.</summary>
    private sealed class Harness
    {
        private readonly RtmpServer _server;
        private readonly string _recordings;
        private readonly ServerLogWatch _log;

        private Harness(RtmpServer server, string recordings, ServerLogWatch log)
        {
            _server = server;
            _recordings = recordings;
            _log = log;
        }

        public static Harness Start()
        {
            string recordings = Path.Combine(Path.GetTempPath(), "uplink-fuzz-server-" + Environment.ProcessId);
            Directory.CreateDirectory(recordings);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(recordings);
            var log = new ServerLogWatch();
            var server = new RtmpServer(new RtmpServerOptions
            {
                Listen = new IPEndPoint(IPAddress.Loopback, 0),
                RecordDirectory = recordings,
                LoggerFactory = log,
                PublishHandlerFactory = static _ => new ConsumingHandler(),
                HandshakeTimeout = FuzzBounds.Timeout,
                IdleTimeout = FuzzBounds.Timeout,
            });
            server.StartAsync().GetAwaiter().GetResult();
            return new Harness(server, recordings, log);
        }

        /// <summary>Sends the handshake and the input, shuts the send side, reads until the server closes; the close reason.</summary>
        public async Task<string> RunAsync(byte[] input)
        {
            Task<string> closed = _log.Expect();
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.Port)).ConfigureAwait(false);
                Task draining = DrainAsync(socket);
                try
                {
                    await socket.SendAsync(HandshakePrefix, SocketFlags.None).ConfigureAwait(false);
                    await socket.SendAsync(input, SocketFlags.None).ConfigureAwait(false);
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // The server closed before taking every byte: its reason says why.
                }

                await draining.ConfigureAwait(false);
            }

            string reason = await closed.ConfigureAwait(false);
            foreach (string file in Directory.EnumerateFiles(_recordings, "*", SearchOption.AllDirectories))
            {
                File.Delete(file);
            }

            return reason;
        }

        /// <summary>Reads (and drops) what the server sends until it closes, so its writes never block on a full buffer.</summary>
        private static async Task DrainAsync(Socket socket)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // Reset by a server that closed with our bytes unread.
            }
        }

        private static void DeleteQuietly(string folder)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>An embedder's handler: reads every byte of every message and the summary at the end.</summary>
    private sealed class ConsumingHandler : IRtmpPublishHandler
    {
        private long _sum;

        public ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            foreach (byte b in body.Span)
            {
                _sum += b;
            }

            _sum += timestamp + (long)type;
            return default;
        }

        public ValueTask OnEndAsync(PublishSessionSummary summary)
        {
            _ = summary.ToString();
            foreach (ReceivedVideoTrack track in summary.VideoTracks)
            {
                _ = track.ToString();
            }

            foreach (ReceivedAudioTrack track in summary.AudioTracks)
            {
                _ = track.ToString();
            }

            _sum = 0;
            return default;
        }
    }
}
