using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Uplink.Server;

/// <summary>
/// A small RTMP ingest server: accepts publishers (plain and digest handshakes), optionally authenticates them
/// (Adobe or Limelight), records each publish to its own FLV file, hands its messages to an embedder's
/// <see cref="IRtmpPublishHandler"/> if asked (<see cref="RtmpServerOptions.PublishHandlerFactory"/>), and reports every session's start and end.
/// Built on the library's own chunk, AMF and handshake code. Also a test peer: see <see cref="RtmpServerBehavior"/>,
/// <see cref="SendReconnectRequestAsync"/> and <see cref="SetReading"/>.
/// </summary>
/// <example>
/// <code>
/// await using var server = new RtmpServer(new RtmpServerOptions { Listen = new(IPAddress.Loopback, 0), RecordDirectory = "rec" });
/// server.SessionEnded += (_, s) => Console.WriteLine($"{s.StreamName}: {s.VideoFrames} video frames");
/// await server.StartAsync();
/// Console.WriteLine($"rtmp://127.0.0.1:{server.Port}/live/demo");
/// </code>
/// </example>
public sealed class RtmpServer : IAsyncDisposable
{
    private readonly RtmpServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (RtmpServerConnection Connection, Task Run)> _connections = new();
    private readonly ConcurrentDictionary<string, RtmpServerConnection> _published = new(StringComparer.Ordinal);
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _claimLock = new(); // the count and the add of a claim, together
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _eventLoop = Task.CompletedTask;
    private long _nextId;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public RtmpServer(RtmpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger("Uplink.Server") ?? NullLogger.Instance;
        Authenticator = new PublisherAuthenticator(options.AuthMode, options.UserName ?? "", options.Password ?? "", options.AuthenticationChallengeLifetime, options.TimeProvider);
    }

    /// <summary>Raised (off the I/O path, in order) when a publish starts. A throwing handler is logged and ignored.</summary>
    public event EventHandler<PublishSessionInfo>? SessionStarted;

    /// <summary>Raised (off the I/O path, in order) when a publish ends, with what it delivered. A throwing handler is logged and ignored.</summary>
    public event EventHandler<PublishSessionSummary>? SessionEnded;

    /// <summary>
    /// Raised (off the I/O path) when a publisher is turned away for good: <c>connect</c> refused for wrong
    /// credentials (not the expected challenge steps of authentication), or <c>publish</c> refused.
    /// </summary>
    public event EventHandler<PublishRefusal>? PublishRefused;

    /// <summary>The options this server was made with.</summary>
    public RtmpServerOptions Options => _options;

    /// <summary>The bound port (the ephemeral one when <see cref="RtmpServerOptions.Listen"/> asked for port 0); 0 before start.</summary>
    public int Port => LocalEndPoint?.Port ?? 0;

    /// <summary>The bound address and port; null before start.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The publishes in progress.</summary>
    public IReadOnlyList<PublishSessionInfo> ActiveSessions
    {
        get
        {
            var list = new List<PublishSessionInfo>();
            foreach (RtmpServerConnection c in _published.Values)
            {
                if (c.Publishing is { } info)
                {
                    list.Add(info);
                }
            }

            return list;
        }
    }

    internal PublisherAuthenticator Authenticator { get; }

    /// <summary>Binds and starts accepting connections.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. the port is in use).</exception>
    /// <exception cref="InvalidOperationException">The server was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started; create a new one to start again.");
        }

        var listener = new Socket(_options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(_options.Listen);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        ServerLog.Listening(_logger, LocalEndPoint);
        _eventLoop = Task.Run(DispatchEventsAsync, CancellationToken.None);
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, ends every connection (their sessions end with reason <c>server stopped</c>), and waits for the last events to be raised.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var runs = new List<Task>();
        foreach ((RtmpServerConnection _, Task run) in _connections.Values)
        {
            runs.Add(run);
        }

        await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
        _events.Writer.TryComplete();
        await _eventLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// Test knob: sends Enhanced RTMP <c>onStatus NetConnection.Connect.ReconnectRequest</c> (level status) to the
    /// publisher of <paramref name="app"/>/<paramref name="streamName"/>, with a <c>tcUrl</c> property when given.
    /// </summary>
    /// <returns>False when no such publish is in progress or its connection is gone.</returns>
    public async Task<bool> SendReconnectRequestAsync(string app, string streamName, string? tcUrl = null, string description = "The server asks you to reconnect.", CancellationToken cancellationToken = default)
    {
        if (!_published.TryGetValue(Key(app, streamName), out RtmpServerConnection? connection))
        {
            return false;
        }

        try
        {
            await connection.SendReconnectRequestAsync(tcUrl, description, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Test knob: stops (<paramref name="reading"/> false) or resumes reading from the publisher of
    /// <paramref name="app"/>/<paramref name="streamName"/>, as a stalled network would. No idle timeout applies while stalled.
    /// </summary>
    /// <returns>False when no such publish is in progress.</returns>
    public bool SetReading(string app, string streamName, bool reading)
    {
        if (!_published.TryGetValue(Key(app, streamName), out RtmpServerConnection? connection))
        {
            return false;
        }

        connection.SetStalled(!reading);
        return true;
    }

    /// <summary>Claims app/stream for a publish; the refusal's code and description when it is taken or the server is full.</summary>
    internal (string Code, string Description)? TryClaim(string app, string stream, RtmpServerConnection connection)
    {
        lock (_claimLock)
        {
            if (_options.MaxPublishes is int max && _published.Count >= max)
            {
                // Not naming the streams in progress: a stream name is often its publisher's key.
                return ("NetStream.Publish.Denied", $"This server takes {max} publish{(max == 1 ? "" : "es")} at a time and {(max == 1 ? "one is" : "that many are")} in progress; try again later.");
            }

            return _published.TryAdd(Key(app, stream), connection) ? null : ("NetStream.Publish.BadName", $"Stream {app}/{stream} is already being published.");
        }
    }

    internal void Release(string app, string stream, RtmpServerConnection connection)
    {
        lock (_claimLock)
        {
            _published.TryRemove(new KeyValuePair<string, RtmpServerConnection>(Key(app, stream), connection));
        }
    }

    internal void RaiseStarted(PublishSessionInfo info) => _events.Writer.TryWrite(info);

    internal void RaiseEnded(PublishSessionSummary summary) => _events.Writer.TryWrite(summary);

    internal void RaiseRefused(PublishRefusal refusal) => _events.Writer.TryWrite(refusal);

    private static string Key(string app, string stream) => app + "/" + stream;

    private async Task AcceptLoopAsync()
    {
        Socket listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a connection reset before accept completed
            }

            if (_connections.Count >= _options.MaxConnections)
            {
                ServerLog.TooManyConnections(_logger, socket.RemoteEndPoint, _options.MaxConnections);
                socket.Dispose();
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            RtmpServerConnection connection;
            try
            {
                socket.NoDelay = true;
                connection = new RtmpServerConnection(this, socket, id, _options, _logger, _stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                socket.Dispose(); // reset before we could look at it
                continue;
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task run = RunConnectionAsync(id, connection, start.Task);
            _connections[id] = (connection, run);
            start.SetResult();
        }
    }

    private async Task RunConnectionAsync(long id, RtmpServerConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private async Task DispatchEventsAsync()
    {
        await foreach (object e in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                switch (e)
                {
                    case PublishSessionInfo info:
                        SessionStarted?.Invoke(this, info);
                        break;
                    case PublishSessionSummary summary:
                        SessionEnded?.Invoke(this, summary);
                        break;
                    case PublishRefusal refusal:
                        PublishRefused?.Invoke(this, refusal);
                        break;
                }
            }
#pragma warning disable CA1031 // A user's handler may throw anything; it must never hurt the server.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ServerLog.HandlerFailed(_logger, ex);
            }
        }
    }
}
