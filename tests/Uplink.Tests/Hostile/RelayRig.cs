using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Uplink.Protocol.Chunks;
using Uplink.Server;
using Uplink.Tests.Server;
using Uplink.Tests.Session;

namespace Uplink.Tests.Hostile;

/// <summary>
/// <c>uplink serve --push</c> in miniature: a relay server whose publish handler is an <see cref="RtmpRelay"/> pushing
/// to a destination server that records every audio/video message (type, timestamp, hash of the body) per publish.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly Lazy<IReadOnlyList<(RtmpMessageType Type, uint Timestamp, byte[] Body)>> Published = new(Capture);

    private readonly ConcurrentQueue<RelayHandler> _relays = new();
    private readonly ConcurrentQueue<DestinationHandler> _destinations = new();
    private readonly ServerTestLogs _logs = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<DestinationHandler>> _started = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<RelayHandler>> _relayStarted = new();
    private int _destinationCount;
    private int _relayCount;

    private RelayRig(TimeSpan destinationDelay)
    {
        Destination = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            PublishHandlerFactory = _ =>
            {
                var handler = new DestinationHandler(destinationDelay);
                _destinations.Enqueue(handler);
                Started(Interlocked.Increment(ref _destinationCount) - 1).TrySetResult(handler);
                return handler;
            },
        });
        Relay = new RtmpServer(new RtmpServerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            IdleTimeout = TimeSpan.FromSeconds(2),
            LoggerFactory = _logs,
            PublishHandlerFactory = info =>
            {
                var handler = new RelayHandler(new RtmpWriterOptions { Url = $"rtmp://127.0.0.1:{Destination.Port}/live/{info.StreamName}", LiveMode = true });
                _relays.Enqueue(handler);
                _relayStarted.GetOrAdd(Interlocked.Increment(ref _relayCount) - 1, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(handler);
                return handler;
            },
        });
    }

    public RtmpServer Relay { get; }

    public RtmpServer Destination { get; }

    public ServerTestLogs Logs => _logs;

    /// <summary>Every relay made so far (one per publish), oldest first.</summary>
    public IReadOnlyList<RelayHandler> Relays => [.. _relays];

    /// <summary>Every publish the destination saw, oldest first.</summary>
    public IReadOnlyList<DestinationHandler> Destinations => [.. _destinations];

    /// <summary>A real publisher's messages (onMetaData, sequence headers, 30 video and 30 audio frames), as sent.</summary>
    public static IReadOnlyList<(RtmpMessageType Type, uint Timestamp, byte[] Body)> Stream => Published.Value;

    public static async Task<RelayRig> StartAsync(TimeSpan destinationDelay = default)
    {
        var rig = new RelayRig(destinationDelay);
        await rig.Destination.StartAsync();
        await rig.Relay.StartAsync();
        return rig;
    }

    /// <summary>A raw publisher, handshaken and publishing <paramref name="name"/>, chunk size 4096.</summary>
    public async Task<RawRtmpClient> PublisherAsync(string name = "hostile")
    {
        RawRtmpClient client = await RawRtmpClient.ConnectAsync(Relay.Port);
        await client.HandshakeAsync();
        await client.SendControlAsync(RtmpMessageType.SetChunkSize, 4096);
        client.ChunkSize = 4096;
        await client.PublishAsync("live", name);
        return client;
    }

    public static Task SendAsync(RawRtmpClient client, (RtmpMessageType Type, uint Timestamp, byte[] Body) m) =>
        client.SendMessageAsync(m.Type == RtmpMessageType.DataAmf0 ? 5 : 4, m.Type, 1, m.Body, m.Timestamp);

    /// <summary>What the destination must have got of <paramref name="sent"/>: audio and video, each hashed.</summary>
    public static List<(RtmpMessageType, uint, string)> AudioVideo(IEnumerable<(RtmpMessageType Type, uint Timestamp, byte[] Body)> sent) =>
        [.. sent.Where(m => m.Type is RtmpMessageType.Audio or RtmpMessageType.Video).Select(m => (m.Type, m.Timestamp, Hash(m.Body)))];

    public static string Hash(ReadOnlySpan<byte> body) => Convert.ToHexString(SHA256.HashData(body))[..16];

    /// <summary>The relay server takes a well-behaved publisher after the attack, and its frames reach the destination.</summary>
    public async Task AssertServesANewPublisherAsync()
    {
        int before = Destinations.Count;
        await using (RawRtmpClient client = await PublisherAsync("after"))
        {
            foreach (var m in Stream)
            {
                await SendAsync(client, m);
            }

            await client.SendCommandAsync("deleteStream", 0, 0, null, 1.0);
            await client.WaitForCloseAsync(TimeSpan.FromMilliseconds(1));
        }

        DestinationHandler after = await WaitForDestinationAsync(before);
        await after.Ended.Task.WaitAsync(Bound);
        Assert.Equal(AudioVideo(Stream), after.Messages);
    }

    /// <summary>The destination publish number <paramref name="index"/> (0 first), once it started.</summary>
    public Task<DestinationHandler> WaitForDestinationAsync(int index) => Started(index).Task.WaitAsync(Bound);

    private TaskCompletionSource<DestinationHandler> Started(int index) =>
        _started.GetOrAdd(index, _ => new TaskCompletionSource<DestinationHandler>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Destination.DisposeAsync();
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("failed unexpectedly", StringComparison.Ordinal));
    }

    private static IReadOnlyList<(RtmpMessageType, uint, byte[])> Capture()
    {
        return Task.Run(async () =>
        {
            await using var source = new ScriptedRtmpServer();
            await using (var writer = new RtmpWriter(new RtmpWriterOptions { Url = source.Url() }))
            {
                IReadOnlyList<byte[]> video = ElementaryStreams.VideoAccessUnits();
                IReadOnlyList<byte[]> audio = ElementaryStreams.AdtsFrames();
                TimeSpan frame = TimeSpan.FromMilliseconds(40);
                for (int i = 0; i < 30; i++)
                {
                    await writer.WriteVideoAsync(video[i % video.Count], frame * i);
                    await writer.WriteAudioAsync(audio[i % audio.Count], frame * i);
                }

                await writer.DisconnectAsync();
            }

            await source.ConnectionEnded.Task.WaitAsync(Bound);
            return (IReadOnlyList<(RtmpMessageType, uint, byte[])>)[.. source.Media.Select(m => (m.Type, m.Timestamp, m.Payload))];
        }).GetAwaiter().GetResult();
    }

    /// <summary>The relay publish number <paramref name="index"/> (0 first), once it has received <paramref name="messages"/> messages.</summary>
    public async Task ReceivedAsync(int index, int messages)
    {
        RelayHandler relay = await _relayStarted.GetOrAdd(index, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Bound);
        await relay.ReceivedAsync(messages);
    }

    /// <summary>The publish handler of the relay server: everything to an <see cref="RtmpRelay"/>.</summary>
    internal sealed class RelayHandler(RtmpWriterOptions options) : IRtmpPublishHandler
    {
        public RtmpRelay Relay { get; } = new(options);

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RtmpWriterStats? FinalStats { get; private set; }

        private int _received;
        private (int Count, TaskCompletionSource Reached)? _waiter;

        /// <summary>Completes once the relay server has handed this many messages to the relay.</summary>
        public Task ReceivedAsync(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (count, reached);
            if (Volatile.Read(ref _received) >= count)
            {
                reached.TrySetResult();
            }

            return reached.Task.WaitAsync(Bound);
        }

        public async ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            await Relay.WriteAsync(type, timestamp, body, cancellationToken);
            int received = Interlocked.Increment(ref _received);
            if (_waiter is { } w && received >= w.Count)
            {
                w.Reached.TrySetResult();
            }
        }

        public async ValueTask OnEndAsync(PublishSessionSummary summary)
        {
            try
            {
                await Relay.EndAsync();
            }
            catch (RtmpException)
            {
            }

            FinalStats = Relay.GetStats();
            await Relay.DisposeAsync();
            Ended.TrySetResult();
        }
    }

    /// <summary>The destination's handler: records audio and video (hashed), optionally slow to take each message.</summary>
    internal sealed class DestinationHandler(TimeSpan delay) : IRtmpPublishHandler
    {
        private readonly ConcurrentQueue<(RtmpMessageType, uint, string)> _messages = new();

        public List<(RtmpMessageType, uint, string)> Messages => [.. _messages];

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            if (type is RtmpMessageType.Audio or RtmpMessageType.Video)
            {
                _messages.Enqueue((type, timestamp, Hash(body.Span)));
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }

        public ValueTask OnEndAsync(PublishSessionSummary summary)
        {
            Ended.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
