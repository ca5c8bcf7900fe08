using Uplink.Session;

namespace Uplink.Destinations;

/// <summary>
/// Starting one of several destinations: its first connection is made in the background while the stream goes on, and
/// what is written meanwhile waits in its send queue (as during a reconnection), so a server that is slow to answer —
/// or never answers — holds up neither the stream nor the others.
/// </summary>
internal sealed partial class RtmpDestination
{
    /// <summary>Added to a stream already under way: video starts at each track's next keyframe, after the stream's start.</summary>
    public bool JoinsMidStream { get; init; }

    /// <summary>
    /// Starts the first connection in the background (with retries when <see cref="RtmpReconnectOptions.RetryFirstConnect"/>
    /// is set); writes queue meanwhile. <see cref="WaitStartedAsync"/> tells how it ended.
    /// </summary>
    public async Task StartAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            Revive();
            if (Connection is not null && _lostReason is null)
            {
                return;
            }

            lock (_stateLock)
            {
                _lostReason = null;
                _reconnecting = true;
            }

            var stop = new CancellationTokenSource();
            Interlocked.Exchange(ref _stopReconnecting, stop)?.Dispose();
            var outcome = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _reconnectOutcome = outcome;
            _reconnectLoop = Task.Run(async () =>
            {
                try
                {
                    await FirstConnectionAsync(stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    outcome.TrySetResult(false);
                }
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True once the first connection started by <see cref="StartAsync"/> publishes; false when it failed (<see cref="Failure"/> says why).</summary>
    public Task<bool> WaitStartedAsync() => _reconnectOutcome?.Task ?? Task.FromResult(Connection is not null);

    private async Task FirstConnectionAsync(CancellationToken stop)
    {
        RtmpClientConnection connection;
        try
        {
            connection = await OpenFirstAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disconnected or disposed meanwhile: they said so.
            return;
        }
        catch (RtmpException ex)
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (_disposed || _disconnectedByCaller)
                {
                    return;
                }

                string reason = $"could not connect: {ex.Message}";
                lock (_stateLock)
                {
                    _reconnecting = false;
                    _lostReason = reason;
                    _lostKind = ex.Kind;
                }

                Volatile.Write(ref _lastError, ex.Message);
                Fail(reason);
                SetStatus(RtmpWriterStatus.Disconnected, reason);
            }
            finally
            {
                _gate.Release();
            }

            return;
        }

        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!await InstallFromBackgroundAsync(connection, waitForKeyframe: JoinsMidStream).ConfigureAwait(false))
            {
                return;
            }

            SetStatus(RtmpWriterStatus.Connected, $"publishing to {_url}{TracksNote}");
            Watch(connection);
        }
        finally
        {
            _gate.Release();
        }
    }
}
