using Uplink.Session;

namespace Uplink.Destinations;

/// <summary>Losing a connection and getting it back: the stream goes on from the GOP holding the first unacknowledged frame.</summary>
internal sealed partial class RtmpDestination
{
    private CancellationTokenSource? _stopReconnecting;
    private Task _reconnectLoop = Task.CompletedTask;

    /// <summary>How the reconnection under way ends: true once a connection is installed, false when it stops without one.</summary>
    private TaskCompletionSource<bool>? _reconnectOutcome;

    /// <summary>Where the last replay started and ended (send-queue sequence numbers) and how many connections in a row
    /// were lost without getting past it; see <see cref="RewindForReplay"/>.</summary>
    private static readonly TimeSpan UnacknowledgedProgressTime = TimeSpan.FromSeconds(10);
    private long _replayStart = -1;
    private long _replayEnd = -1;
    private int _replaysWithoutProgress;

    /// <summary>Watches a connection's receive loop: a connection that ends without being asked to is lost.</summary>
    private async Task WatchAsync(RtmpClientConnection connection)
    {
        string? failure = null;
        RtmpErrorKind kind = RtmpErrorKind.Disconnected;
        try
        {
            await connection.Completion.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever ended the receive loop, the connection is over; this task is never awaited.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex.Message;

            // A server that broke the protocol is not a network loss: the writer's error says which it was.
            kind = ex is RtmpException rtmp ? rtmp.Kind : kind;
        }

        if (!_disposed)
        {
            MarkLost(connection, connection.CloseReason ?? failure ?? "connection closed", kind);
        }
    }

    /// <summary>Marks <paramref name="connection"/> lost if it is still the current one (a connection already torn down is not news).</summary>
    private void MarkLost(RtmpClientConnection connection, string reason, RtmpErrorKind kind)
    {
        if (Connection == connection)
        {
            MarkLost(reason, kind);
        }
    }

    /// <summary>Records that the connection was lost (once per connection) and says so; reconnects when enabled.</summary>
    private void MarkLost(string reason, RtmpErrorKind kind = RtmpErrorKind.Disconnected)
    {
        bool reconnect;
        lock (_stateLock)
        {
            if (_lostReason is not null || _reconnecting)
            {
                return;
            }

            _lostReason = reason;
            _lostKind = kind;
            Volatile.Write(ref _lastError, reason);
            reconnect = ReconnectEnabled && !_disposed && !_disconnectedByCaller;
            _reconnecting = reconnect;
        }

        UplinkMetrics.ConnectionsLost.Add(1);
        _roomMade.Set();
        _drainedSignal.Set();
        if (reconnect)
        {
            SetStatus(RtmpWriterStatus.Reconnecting, reason);
            var stop = new CancellationTokenSource();
            Interlocked.Exchange(ref _stopReconnecting, stop)?.Dispose();
            var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _reconnectOutcome = outcome;
            _reconnectLoop = Task.Run(async () =>
            {
                try
                {
                    await ReconnectLoopAsync(stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    // Installed connections set true first; any other end of the loop is a reconnection that did not happen.
                    outcome.TrySetResult(false);
                }
            });
        }
        else
        {
            if (_shared && !_disposed && !_disconnectedByCaller)
            {
                // One of several: lost for good, it stops taking the stream at once (the others go on).
                Fail(reason);
            }

            SetStatus(RtmpWriterStatus.Disconnected, reason);
        }
    }

    private async Task StopReconnectingAsync()
    {
        lock (_stateLock)
        {
            _reconnecting = false;
        }

        await (_stopReconnecting?.CancelAsync() ?? Task.CompletedTask).ConfigureAwait(false);
    }

    /// <summary>
    /// Reconnects in the background while the caller keeps writing: tears the lost connection down, waits as the
    /// policy says, connects and publishes again, then sends from the send queue — the GOP holding the first
    /// unacknowledged frame onwards — after fresh metadata and sequence headers.
    /// </summary>
    private async Task ReconnectLoopAsync(CancellationToken stop)
    {
        string lastError = _lostReason ?? "connection lost";
        string? stalled = null;
        try
        {
            await _gate.WaitAsync(stop).ConfigureAwait(false);
            try
            {
                if (_link is { } link)
                {
                    RtmpClientConnection lost = link.Connection;
                    long acknowledged = lost.BytesConfirmed;
                    TimeSpan lived = _options.TimeProvider.GetElapsedTime(link.InstalledAt);
                    await TearDownAsync(lost, clearQueues: false).ConfigureAwait(false);
                    lock (_queue)
                    {
                        stalled = RewindForReplay(acknowledged, lived);
                    }
                }
            }
            finally
            {
                _gate.Release();
            }

            IReconnectPolicy policy = _options.Reconnect.EffectivePolicy;
            if (stalled is not null)
            {
                lastError = stalled;
            }

            for (int attempt = 1; stalled is null && attempt <= _options.Reconnect.Attempts; attempt++)
            {
                await Task.Delay(policy.GetDelay(attempt), _options.TimeProvider, stop).ConfigureAwait(false);
                RtmpClientConnection connection;
                try
                {
                    connection = await OpenAndPublishAsync(stop).ConfigureAwait(false);
                }
                catch (RtmpException ex)
                {
                    lastError = ex.Message;
                    Volatile.Write(ref _lastError, ex.Message);
                    WriterLog.ReconnectFailed(_logger, attempt, _options.Reconnect.Attempts, ex.Message);
                    continue;
                }

                await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    if (!await InstallFromBackgroundAsync(connection, waitForKeyframe: true).ConfigureAwait(false))
                    {
                        return;
                    }

                    Interlocked.Increment(ref _reconnects);
                    UplinkMetrics.Reconnects.Add(1);

                    SetStatus(RtmpWriterStatus.Connected, $"reconnected (attempt {attempt}) to {_url}{TracksNote}");
                    Watch(connection);
                    if (!_options.UsesSendLoop)
                    {
                        await SendPendingAsync(connection, fromSendLoop: false, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _gate.Release();
                }

                return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by DisconnectAsync or DisposeAsync, which have already said Disconnected and cleared the
            // buffers; a ConnectAsync may even have started a new connection since. Nothing left to do here.
            return;
        }

        // Under the gate: a write may be checking this destination; the stream's fan-out stops adding once it failed.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            string reason = stalled is not null
                ? $"gave up reconnecting: {stalled}; {DescribeUndelivered()}"
                : $"gave up reconnecting after {_options.Reconnect.Attempts} attempts: {lastError}; {DescribeUndelivered()}";
            lock (_stateLock)
            {
                _reconnecting = false;
                _lostReason = reason;
            }

            Fail(reason);
            SetStatus(RtmpWriterStatus.Disconnected, reason);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Installs a connection a background loop made (under the gate), unless the destination was disconnected or disposed
    /// meanwhile (then the connection is closed); ends the wait for the connection either way.
    /// </summary>
    /// <returns>Whether it was installed.</returns>
    private async Task<bool> InstallFromBackgroundAsync(RtmpClientConnection connection, bool waitForKeyframe)
    {
        if (_disposed || _disconnectedByCaller)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        lock (_stateLock)
        {
            _reconnecting = false;
        }

        Install(connection, waitForKeyframe);
        _reconnectOutcome?.TrySetResult(true);
        return true;
    }

    /// <summary>
    /// Rewinds the send queue to where the next connection starts (the GOP holding the first unacknowledged frame) and
    /// checks that reconnecting still gets somewhere. A connection made progress when the server acknowledged past the
    /// previous replay's start, or — for a server that sends no acknowledgements — when it handed the whole replay to the
    /// socket and stayed up for <see cref="UnacknowledgedProgressTime"/> (the socket's buffers alone can swallow a replay
    /// that never arrives). A server that drops each connection before either would otherwise be sent the same frames for
    /// ever; after <see cref="RtmpReconnectOptions.Attempts"/> such connections in a row the writer stops.
    /// </summary>
    /// <returns>Null to go on; otherwise why reconnecting is pointless. Under the queue's lock.</returns>
    private string? RewindForReplay(long acknowledged, TimeSpan lived)
    {
        bool carriedReplay = _queue.NextSequence >= _replayEnd && lived >= UnacknowledgedProgressTime;
        _queue.Rewind(acknowledged);
        _timestamps.AfterLoss();
        bool startMoved = _queue.OldestSequence > _replayStart;
        _replaysWithoutProgress = carriedReplay || startMoved ? 0 : _replaysWithoutProgress + 1;
        _replayStart = _queue.OldestSequence;
        _replayEnd = _queue.EndSequence;
        if (_replaysWithoutProgress < _options.Reconnect.Attempts)
        {
            return null;
        }

        return $"{_replaysWithoutProgress} connections in a row were lost before they had resent the replay, and the server "
            + "acknowledged nothing past its start (it may not send acknowledgements), so another would resend the same "
            + $"{_queue.UnsentBytes} bytes";
    }

    /// <summary>
    /// A disconnect asked for while reconnecting: waits (without the gate, which the reconnection needs) until the
    /// connection is back, or the reconnection ends without one, or <see cref="RtmpWriterOptions.CloseTimeout"/> passes.
    /// </summary>
    /// <returns>False when the stream is still reconnecting at the deadline; true when the reconnection is over, with a
    /// connection (the backlog can be delivered) or without one (giving up already said what was lost).</returns>
    private async Task<bool> WaitForReconnectionAsync(CancellationToken cancellationToken)
    {
        long started = _options.TimeProvider.GetTimestamp();
        while (true)
        {
            TaskCompletionSource<bool>? outcome;
            lock (_stateLock)
            {
                if (!_reconnecting)
                {
                    return true;
                }

                outcome = _reconnectOutcome;
            }

            TimeSpan left = _options.CloseTimeout - _options.TimeProvider.GetElapsedTime(started);
            if (outcome is null || left <= TimeSpan.Zero)
            {
                return false;
            }

            _gate.Release();
            try
            {
                await outcome.Task.WaitAsync(left, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What would be lost if the stream stopped now: the send queue's unsent frames (the writer hands over what the
    /// stream held before it ends a destination).</summary>
    private string DescribeUndelivered() => DescribeUndelivered(orNothing: false)!;

    /// <summary>What a stop now would lose; with <paramref name="orNothing"/>, null when that is nothing.</summary>
    private string? DescribeUndelivered(bool orNothing)
    {
        (int video, int audio, long bytes) unsent;
        lock (_queue)
        {
            unsent = _queue.CountUnsent();
        }

        return orNothing && unsent.bytes == 0 ? null : $"{unsent.bytes} bytes not delivered ({unsent.video} video and {unsent.audio} audio frames)";
    }
}
