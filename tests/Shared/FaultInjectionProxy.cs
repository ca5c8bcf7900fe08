using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Uplink.Testing;

/// <summary>
/// A TCP proxy for tests that sits between a client and a real server (listening on 127.0.0.1, dynamic port)
/// and forwards bytes both ways unchanged until told to misbehave: stall or throttle the client→server
/// direction, reset every connection, refuse new ones. Async sockets only: two pumps per connection, no thread
/// per connection, no polling (a stalled pump awaits a signal, a throttled one waits at most ~10 ms at a time).
/// A pump never throws. A clean end of one direction (FIN) is forwarded as a FIN (half-close); a reset or an
/// error on either side, or <see cref="CutAll"/>, resets both sides.
/// </summary>
internal sealed class FaultInjectionProxy : IAsyncDisposable
{
    /// <summary>The proxy's own forwarding buffer per direction: small, so a stall holds back little data.</summary>
    private const int ForwardBufferSize = 32 * 1024;

    /// <summary>The token bucket's grain: it holds at most this much time's worth of bytes.</summary>
    private static readonly TimeSpan ThrottleGrain = TimeSpan.FromMilliseconds(10);

    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly int _receiveBufferSize;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Connection> _connections = [];
    private readonly List<Task> _connectionTasks = [];
    private readonly List<(bool Upstream, long Count, TaskCompletionSource Done)> _waiters = [];
    private Task _acceptLoop = Task.CompletedTask;
    private TaskCompletionSource _running = Completed();
    private int _connectionsAccepted;
    private int _connectionsRefused;
    private long _bytesUpstream;
    private long _bytesDownstream;
    private int _waiterCount;
    private bool _refuseNew;
    private bool _disposed;

    // Token bucket of the client→server direction; guarded by _gate. Rate 0 = unlimited.
    private long _bytesPerSecond;
    private double _tokens;
    private long _refilledAt;

    private FaultInjectionProxy(IPEndPoint target, int receiveBufferSize)
    {
        _target = target;
        _receiveBufferSize = receiveBufferSize;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>The port the proxy listens on (127.0.0.1).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Connections accepted so far, refused ones (<see cref="RefuseNew"/>) included.</summary>
    public int ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>Connections accepted and reset at once because <see cref="RefuseNew"/> was set.</summary>
    public int ConnectionsRefused => Volatile.Read(ref _connectionsRefused);

    /// <summary>Connections currently being forwarded.</summary>
    public int ActiveConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Client→server bytes forwarded (written to the server socket), all connections.</summary>
    public long BytesUpstream => Interlocked.Read(ref _bytesUpstream);

    /// <summary>Server→client bytes forwarded, all connections.</summary>
    public long BytesDownstream => Interlocked.Read(ref _bytesDownstream);

    /// <summary>True between <see cref="Stall"/> and <see cref="Resume"/>.</summary>
    public bool IsStalled
    {
        get
        {
            lock (_gate)
            {
                return !_running.Task.IsCompleted;
            }
        }
    }

    /// <summary>When set, new connections are accepted and immediately reset; current ones are untouched.</summary>
    public bool RefuseNew
    {
        get => Volatile.Read(ref _refuseNew);
        set => Volatile.Write(ref _refuseNew, value);
    }

    /// <summary>
    /// Listens on 127.0.0.1 on a dynamic port and forwards every accepted connection to <paramref name="target"/>.
    /// <paramref name="receiveBufferSize"/> is set on the listener and on each accepted client socket, so a
    /// stalled proxy makes the client's writes block after little data.
    /// </summary>
    public static FaultInjectionProxy Start(IPEndPoint target, int receiveBufferSize = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(receiveBufferSize);
        var proxy = new FaultInjectionProxy(target, receiveBufferSize);
        try
        {
            proxy._listener.ReceiveBufferSize = receiveBufferSize;
            proxy._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            proxy._listener.Listen(64);
        }
        catch
        {
            proxy._listener.Dispose();
            proxy._stopping.Dispose();
            throw;
        }

        proxy._acceptLoop = proxy.AcceptLoopAsync();
        return proxy;
    }

    /// <summary>
    /// Stops reading from clients (client→server only): once the kernel buffers are full, the clients' writes
    /// block. A receive already under way when this is called still completes and is forwarded (at most one
    /// forwarding buffer, 32 KiB, per connection).
    /// </summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_running.Task.IsCompleted)
            {
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Undoes <see cref="Stall"/>: forwarding picks up where it stopped, nothing is lost.</summary>
    public void Resume()
    {
        TaskCompletionSource running;
        lock (_gate)
        {
            running = _running;
        }

        running.TrySetResult();
    }

    /// <summary>
    /// Limits the client→server direction, all connections together, to <paramref name="bytesPerSecond"/>
    /// (a token bucket holding ~10 ms worth of bytes); 0 removes the limit.
    /// </summary>
    public void Throttle(long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        lock (_gate)
        {
            _bytesPerSecond = bytesPerSecond;
            _tokens = 0;
            _refilledAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Aborts every current connection, client side and server side, with a TCP reset.</summary>
    public void CutAll()
    {
        Connection[] current;
        lock (_gate)
        {
            current = [.. _connections];
        }

        foreach (var connection in current)
        {
            connection.Reset();
        }
    }

    /// <summary>Completes once <see cref="ConnectionsAccepted"/> is at least <paramref name="count"/>.</summary>
    public Task WaitForConnectionsAsync(int count, CancellationToken ct) => WaitForAsync(upstream: false, count, ct);

    /// <summary>Completes once <see cref="BytesUpstream"/> is at least <paramref name="count"/>.</summary>
    public Task WaitForUpstreamBytesAsync(long count, CancellationToken ct) => WaitForAsync(upstream: true, count, ct);

    /// <summary>Stops listening, resets every connection and waits for all of the proxy's own tasks; never hangs on a stall.</summary>
    public async ValueTask DisposeAsync()
    {
        Connection[] current;
        Task[] tasks;
        (bool, long, TaskCompletionSource Done)[] waiters;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = [.. _connections];
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        await _stopping.CancelAsync();
        _listener.Dispose();
        foreach (var connection in current)
        {
            connection.Reset();
        }

        foreach (var waiter in waiters)
        {
            waiter.Done.TrySetException(new ObjectDisposedException(nameof(FaultInjectionProxy)));
        }

        await _acceptLoop;
        lock (_gate)
        {
            tasks = [.. _connectionTasks];
        }

        await Task.WhenAll(tasks);
        _stopping.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct);
            }
            catch (SocketException) when (!ct.IsCancellationRequested)
            {
                continue; // e.g. a connection reset before it was accepted
            }
            catch (Exception)
            {
                return; // disposed; never thrown out of the loop
            }

            Interlocked.Increment(ref _connectionsAccepted);
            if (RefuseNew)
            {
                Interlocked.Increment(ref _connectionsRefused);
                Connection.ResetSocket(client);
                SignalWaiters();
                continue;
            }

            var connection = new Connection(client, new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            lock (_gate)
            {
                if (_disposed)
                {
                    connection.Reset();
                    connection.Dispose();
                    return;
                }

                _connections.Add(connection);
                _connectionTasks.RemoveAll(static t => t.IsCompleted);
                _connectionTasks.Add(ForwardAsync(connection));
            }

            SignalWaiters();
        }
    }

    private async Task ForwardAsync(Connection connection)
    {
        CancellationToken ct = _stopping.Token;
        try
        {
            connection.Client.ReceiveBufferSize = _receiveBufferSize;
            connection.Client.NoDelay = true;
            connection.Server.NoDelay = true;
            await connection.Server.ConnectAsync(_target, ct);
        }
        catch (Exception)
        {
            connection.Reset(); // the target refused (or the proxy is stopping): the client sees a reset
            Forget(connection);
            return;
        }

        await Task.WhenAll(PumpAsync(connection, upstream: true, ct), PumpAsync(connection, upstream: false, ct));
        Forget(connection);
    }

    private void Forget(Connection connection)
    {
        connection.Dispose();
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    private async Task PumpAsync(Connection connection, bool upstream, CancellationToken ct)
    {
        await Task.Yield(); // the accept loop must not run the first receive inline
        Socket from = upstream ? connection.Client : connection.Server;
        Socket to = upstream ? connection.Server : connection.Client;
        byte[] buffer = new byte[ForwardBufferSize];
        bool ended = false;
        try
        {
            while (true)
            {
                int allowed = buffer.Length;
                if (upstream)
                {
                    Task running;
                    lock (_gate)
                    {
                        running = _running.Task;
                    }

                    await running.WaitAsync(ct);
                    allowed = await TakeTokensAsync(buffer.Length, ct);
                }

                int received = await from.ReceiveAsync(buffer.AsMemory(0, allowed), SocketFlags.None, ct);
                if (upstream)
                {
                    ReturnTokens(allowed - received);
                }

                if (received == 0)
                {
                    ended = true;
                    break;
                }

                for (int sent = 0; sent < received;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None, ct);
                }

                if (upstream)
                {
                    Interlocked.Add(ref _bytesUpstream, received);
                    SignalWaiters();
                }
                else
                {
                    Interlocked.Add(ref _bytesDownstream, received);
                }
            }
        }
        catch (Exception)
        {
            // A reset, a CutAll or disposal (or anything else): handled below, never thrown out of the pump.
        }

        if (ended && !connection.IsReset)
        {
            try
            {
                to.Shutdown(SocketShutdown.Send); // forward the FIN; the other direction goes on
                return;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // fall through to the reset
            }
        }

        connection.Reset();
    }

    private async ValueTask<int> TakeTokensAsync(int wanted, CancellationToken ct)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                if (_bytesPerSecond == 0)
                {
                    return wanted;
                }

                long now = Stopwatch.GetTimestamp();
                double capacity = Math.Max(_bytesPerSecond * ThrottleGrain.TotalSeconds, 1);
                _tokens = Math.Min(capacity, _tokens + (_bytesPerSecond * Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds));
                _refilledAt = now;
                double enough = Math.Min(capacity, wanted);
                if (_tokens >= enough)
                {
                    int taken = (int)Math.Min(wanted, Math.Floor(_tokens));
                    _tokens -= taken;
                    return taken;
                }

                wait = TimeSpan.FromSeconds((enough - _tokens) / _bytesPerSecond);
            }

            if (wait < TimeSpan.FromMilliseconds(1))
            {
                wait = TimeSpan.FromMilliseconds(1);
            }
            else if (wait > ThrottleGrain)
            {
                wait = ThrottleGrain; // look again soon: the rate may have changed
            }

            await Task.Delay(wait, ct);
        }
    }

    private void ReturnTokens(int unused)
    {
        if (unused <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_bytesPerSecond != 0)
            {
                _tokens += unused;
            }
        }
    }

    private async Task WaitForAsync(bool upstream, long count, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _waiters.Add((upstream, count, done));
            Interlocked.Increment(ref _waiterCount);
        }

        SignalWaiters();
        try
        {
            await done.Task.WaitAsync(ct);
        }
        finally
        {
            lock (_gate)
            {
                if (_waiters.Remove((upstream, count, done)))
                {
                    Interlocked.Decrement(ref _waiterCount);
                }
            }
        }
    }

    private void SignalWaiters()
    {
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return;
        }

        List<TaskCompletionSource>? met = null;
        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                var (upstream, count, done) = _waiters[i];
                if ((upstream ? BytesUpstream : ConnectionsAccepted) >= count)
                {
                    (met ??= []).Add(done);
                    _waiters.RemoveAt(i);
                    Interlocked.Decrement(ref _waiterCount);
                }
            }
        }

        if (met is not null)
        {
            foreach (var done in met)
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>One forwarded connection: the accepted client socket and the proxy's socket to the target.</summary>
    private sealed class Connection(Socket client, Socket server) : IDisposable
    {
        private int _reset;

        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public bool IsReset => Volatile.Read(ref _reset) != 0;

        /// <summary>Closes both sockets with a TCP reset (linger on, zero timeout); pending operations fail.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 0)
            {
                ResetSocket(Client);
                ResetSocket(Server);
            }
        }

        public static void ResetSocket(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // already closed, or never connected: closing is all that is left
            }

            socket.Dispose();
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
