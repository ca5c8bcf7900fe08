using Uplink.Session;

namespace Uplink.Destinations;

/// <summary>
/// Enhanced RTMP's ReconnectRequest: the server asks the publisher to move (to another URL, or the same one). The move
/// happens at the next keyframe: everything before it goes out on the old connection, which is unpublished and closed
/// gracefully (so the server has it all); the stream goes on from the keyframe on the new one — nothing lost, nothing twice.
/// </summary>
internal sealed partial class RtmpDestination
{
    private ReconnectRequest? _request;
    private ReconnectRequest? _loopRequest;
    private volatile bool _followingRequest;

    /// <summary>Called before a keyframe is added to the stream (or before audio, without video): the moment to follow a pending request.</summary>
    public ValueTask BeforeKeyframeAsync(CancellationToken cancellationToken) =>
        _request is { } request ? FollowGatedAsync(request, cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask FollowGatedAsync(ReconnectRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FollowAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void OnServerStatus(RtmpServerStatus status)
    {
        if (status.Code == "NetConnection.Connect.ReconnectRequest")
        {
            _request = new ReconnectRequest(status.TcUrl);
        }

        _status.ServerStatus(status);
    }

    /// <summary>With a send loop the move happens there (at a barrier), so the write never waits for it; otherwise here and now.</summary>
    private async ValueTask FollowAsync(ReconnectRequest request, CancellationToken cancellationToken)
    {
        if (!_options.UsesSendLoop)
        {
            await FollowInlineAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }

        _request = null;
        if (Connection is null || _lostReason is not null || _sendLoop is null || _followingRequest)
        {
            return;
        }

        lock (_queue)
        {
            // Everything written so far leaves on the old connection; from this keyframe on, on the new one. (Called by the
            // writer under its write lock, which guards the stream.)
            _stream.Flush(drain: true);
            _queue.SetBarrier();
        }

        _loopRequest = request;
        _followingRequest = true;
        _dataReady.Set();
    }

    /// <summary>Without a send loop: drains, unpublishes and closes the old connection, and publishes on the new one, in the write.</summary>
    private async Task FollowInlineAsync(ReconnectRequest request, CancellationToken cancellationToken)
    {
        _request = null;
        if (Connection is not { } old || _lostReason is not null)
        {
            return;
        }

        _stream.Flush(drain: true);
        await SendCoreAsync(drain: true, cancellationToken).ConfigureAwait(false);
        _link = null;
        await old.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, cancellationToken).ConfigureAwait(false);
        await TearDownAsync(old, clearQueues: false).ConfigureAwait(false);
        lock (_queue)
        {
            _queue.ReleaseSent();
        }

        TakeRequestedUrl(request);
        try
        {
            RtmpClientConnection moved = await OpenAndPublishAsync(cancellationToken).ConfigureAwait(false);
            Install(moved, waitForKeyframe: false);
            SetStatus(RtmpWriterStatus.Connected, $"moved to {_url} at the server's request{TracksNote}");
            Watch(moved);
        }
        catch (RtmpException ex)
        {
            MarkLost($"moving to {_url} at the server's request failed: {ex.Message}");
            if (!ReconnectEnabled)
            {
                throw;
            }
        }
    }

    /// <summary>
    /// The send loop's side: everything before the barrier has been sent; unpublish and close the old connection
    /// gracefully, publish on the new one, and go on from the barrier. A failure counts as losing the connection.
    /// </summary>
    private async Task FollowFromSendLoopAsync(RtmpClientConnection old, ReconnectRequest request)
    {
        _loopRequest = null;
        _link = null;
        try
        {
            await old.UnpublishAndCloseAsync(_url.StreamName, _options.CloseTimeout, CancellationToken.None).ConfigureAwait(false);

            // Not TearDownAsync's ClearQueues: the queue holds what goes out on the new connection.
            await DisposeAndCountAsync(old).ConfigureAwait(false);
            lock (_queue)
            {
                _queue.ReleaseSent();
                _queue.ClearBarrier();
            }

            TakeRequestedUrl(request);
            RtmpClientConnection next = await OpenAndPublishAsync(CancellationToken.None).ConfigureAwait(false);

            // The loop goes on with the new connection; nothing else sends meanwhile (the writer only queues).
            Install(next, waitForKeyframe: false);
            _followingRequest = false;
            SetStatus(RtmpWriterStatus.Connected, $"moved to {_url} at the server's request{TracksNote}");
            Watch(next);
        }
        catch (RtmpException ex)
        {
            _followingRequest = false;
            MarkLost($"moving to {_url} at the server's request failed: {ex.Message}", ex.Kind);
        }
#pragma warning disable CA1031 // On the send loop: whatever it was, the stream has no connection now.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _followingRequest = false;
            MarkLost(ex.Message);
        }
    }

    /// <summary>A request's new tcUrl, if it gave one that parses, becomes the URL (with the same stream name).</summary>
    private void TakeRequestedUrl(ReconnectRequest request)
    {
        if (request.TcUrl is { Length: > 0 } tcUrl && RtmpUrl.TryParse(tcUrl.TrimEnd('/') + "/" + _url.StreamName, out RtmpUrl? target, out _))
        {
            _url = target;
        }
    }

    private sealed record ReconnectRequest(string? TcUrl);
}
