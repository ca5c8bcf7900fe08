using Microsoft.Extensions.Logging;
using Uplink.Messages;
using Uplink.Status;
using Uplink.Streaming;

namespace Uplink.Destinations;

/// <summary>
/// The stream's destinations: hands each message to every destination still taking the stream (one reference each, no
/// copy), runs the writer's calls across them, drops a destination that failed for good without failing the others,
/// and derives the stream's status from theirs. With one destination every call goes straight through, so its failures
/// are the writer's, as they always were.
/// </summary>
/// <remarks>Called under the writer's write lock (which guards the stream and this set's membership); each destination
/// also takes its own gate, so none waits for another's reconnection.</remarks>
internal sealed class DestinationSet : IMessageSink
{
    private readonly RtmpWriterOptions _options;
    private readonly IStreamSource _stream;
    private readonly StatusReporter _status;
    private readonly ILogger _logger;
    private readonly bool _startInBackground;
    private readonly bool _shared;
    private readonly Lock _statusLock = new();
    private volatile RtmpDestination[] _all = [];
    private RtmpDestination[] _active = [];
    private bool _started;

    /// <param name="options">The writer's options (its <see cref="RtmpWriterOptions.Destinations"/> are added here).</param>
    /// <param name="stream">The stream the destinations carry.</param>
    /// <param name="status">The writer's status reporter.</param>
    /// <param name="logger">The writer's logger.</param>
    /// <param name="shared">Treat even one destination as one of several: it starts in the background and its failure is
    /// its own (the relay, which must never fail its publisher).</param>
    public DestinationSet(RtmpWriterOptions options, IStreamSource stream, StatusReporter status, ILogger logger, bool shared = false)
    {
        _options = options;
        _stream = stream;
        _status = status;
        _logger = logger;
        _shared = shared;
        _startInBackground = shared || options.Destinations.Count > 0;
        var first = new RtmpDestinationOptions { Url = options.Url, Credentials = options.Credentials };
        foreach (RtmpDestinationOptions destination in (IEnumerable<RtmpDestinationOptions>)[first, .. options.Destinations])
        {
            Join(Create(destination, joinsMidStream: false));
        }
    }

    /// <summary>Every destination of the stream, the failed ones included (a snapshot).</summary>
    public IReadOnlyList<RtmpDestination> All => _all;

    /// <summary>The first destination still taking the stream (the first one when none is).</summary>
    public RtmpDestination Primary => _active.Length > 0 ? _active[0] : _all[0];

    /// <summary>Makes a destination with its own settings (not yet part of the stream: see <see cref="Join"/>).</summary>
    public RtmpDestination Create(RtmpDestinationOptions destination, bool joinsMidStream)
    {
        bool shared = _startInBackground || joinsMidStream;
        RtmpWriterOptions options = ReferenceEquals(destination.Url, _options.Url) && !shared
            ? _options
            : destination.ApplyTo(_options, shared);
        return new RtmpDestination(options, UniqueName(destination), _stream, OnStatus, _status, _logger, shared)
        {
            JoinsMidStream = joinsMidStream,
        };
    }

    /// <summary>Makes <paramref name="destination"/> part of the stream: it gets every message from now on.</summary>
    public void Join(RtmpDestination destination)
    {
        if (_all.Length >= RtmpWriterOptions.MaxDestinations)
        {
            throw new InvalidOperationException($"A stream has at most {RtmpWriterOptions.MaxDestinations} destinations.");
        }

        _all = [.. _all, destination];
        _active = [.. _active, destination];
    }

    /// <summary>Takes <paramref name="destination"/> out of the stream: it gets nothing more (what it holds is its own to send).</summary>
    /// <returns>False when it was not part of the stream.</returns>
    public bool Leave(RtmpDestination destination)
    {
        if (!_all.Contains(destination))
        {
            return false;
        }

        _all = [.. _all.Where(d => d != destination)];
        _active = [.. _active.Where(d => d != destination)];
        ReportOverall(destination.Name, "removed from the stream");
        return true;
    }

    /// <summary>Hands one message to every destination taking the stream: each holds its own reference.</summary>
    public void Enqueue(in OutgoingMessage message)
    {
        RtmpDestination[] active = _active;
        if (active.Length == 0)
        {
            message.Release();
            return;
        }

        for (int i = 1; i < active.Length; i++)
        {
            message.AddReference();
        }

        foreach (RtmpDestination destination in active)
        {
            destination.Enqueue(message);
        }
    }

    /// <summary>
    /// Connects: one destination straight away (its failure is the caller's); several in the background, returning once
    /// one of them publishes — the others join as they connect, with what was written meanwhile.
    /// </summary>
    /// <exception cref="RtmpException">No destination could connect; the message has each one's reason.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (!_startInBackground)
        {
            foreach (RtmpDestination destination in _all)
            {
                await destination.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }

            _active = _all;
            _started = true;
            return;
        }

        if (_started)
        {
            return;
        }

        _active = _all;
        foreach (RtmpDestination destination in _all)
        {
            await destination.StartAsync().ConfigureAwait(false);
        }

        var pending = _all.Select(d => d.WaitStartedAsync()).ToList();
        while (pending.Count > 0)
        {
            Task<bool> done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (await done.ConfigureAwait(false))
            {
                _started = true;
                return;
            }

            pending.Remove(done);
        }

        _active = [];
        throw EveryOneFailed();
    }

    /// <summary>Starts every destination in the background without waiting for any (the relay: its publisher never waits).</summary>
    public async Task StartAsync()
    {
        _active = _all;
        _started = true;
        foreach (RtmpDestination destination in _all)
        {
            await destination.StartAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops destinations that failed for good (the relay's writes never fail for them).</summary>
    public void DropFailed()
    {
        foreach (RtmpDestination destination in _active)
        {
            if (destination.HasFailed)
            {
                Drop(destination, destination.Failure!);
            }
        }
    }

    /// <summary>Before a write: starts the stream on the first one; drops destinations that failed for good.</summary>
    /// <exception cref="RtmpException">Every destination failed (with one destination: it did).</exception>
    public async ValueTask EnsureWritableAsync(CancellationToken cancellationToken)
    {
        if (_startInBackground && !_started)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        RtmpDestination[] active = _active;
        if (active.Length == 1 && _all.Length == 1 && !_shared)
        {
            await active[0].EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (RtmpDestination destination in active)
        {
            try
            {
                await destination.EnsureWritableAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RtmpException ex)
            {
                Drop(destination, ex.Message);
            }
        }

        if (_active.Length == 0)
        {
            throw EveryOneFailed();
        }
    }

    /// <summary>Before a keyframe: the moment each destination may follow its server's ReconnectRequest.</summary>
    public async ValueTask BeforeKeyframeAsync(CancellationToken cancellationToken)
    {
        foreach (RtmpDestination destination in _active)
        {
            await destination.BeforeKeyframeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After messages were queued: every destination sends (waiting for room only where it is healthy and not live).</summary>
    /// <exception cref="RtmpException">Every destination failed (with one destination: it did).</exception>
    public async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        RtmpDestination[] active = _active;
        if (active.Length == 1 && _all.Length == 1 && !_shared)
        {
            await active[0].SendAsync(drain: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (RtmpDestination destination in active)
        {
            try
            {
                await destination.SendAsync(drain: false, cancellationToken).ConfigureAwait(false);
            }
            catch (RtmpException ex)
            {
                Drop(destination, ex.Message);
            }
        }

        if (_active.Length == 0)
        {
            throw EveryOneFailed();
        }
    }

    /// <summary>
    /// Ends the stream on every destination at once (what the stream held is queued already): each sends what it has,
    /// unpublishes and closes. With several destinations a failure is that destination's (<see cref="RtmpDestination.Failure"/>).
    /// </summary>
    /// <exception cref="RtmpException">No destination received the whole stream (with one destination: it did not).</exception>
    public async Task DisconnectAsync(string reason, CancellationToken cancellationToken)
    {
        RtmpDestination[] active = _active;
        _started = false;
        if (_all.Length == 1 && !_shared)
        {
            await _all[0].DisconnectAsync(reason, cancellationToken).ConfigureAwait(false);
            return;
        }

        RtmpDestination[] all = _all;
        await Task.WhenAll(all.Select(d => EndAsync(d, reason, cancellationToken))).ConfigureAwait(false);
        if (active.Length > 0 && active.All(d => d.HasFailed))
        {
            throw EveryOneFailed();
        }
    }

    /// <summary>Stops every destination for good (after <see cref="DisconnectAsync"/>).</summary>
    public async Task CloseAsync()
    {
        foreach (RtmpDestination destination in _all)
        {
            await destination.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits for every destination's background work to end (outside the write lock).</summary>
    public async Task WaitClosedAsync()
    {
        foreach (RtmpDestination destination in _all)
        {
            await destination.WaitClosedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The stream's stats: each destination's summed (frames and bytes sent, drops, reconnects), the largest backlog.</summary>
    public RtmpWriterStats GetStats()
    {
        RtmpDestination[] all = _all;
        if (all.Length == 1)
        {
            return all[0].GetStats() with { Status = _status.Current };
        }

        RtmpWriterStats sum = default;
        foreach (RtmpDestination destination in all)
        {
            RtmpWriterStats s = destination.GetStats();
            sum = new RtmpWriterStats(
                _status.Current,
                sum.BytesSent + s.BytesSent,
                sum.BytesAcknowledged + s.BytesAcknowledged,
                sum.VideoFramesSent + s.VideoFramesSent,
                sum.AudioFramesSent + s.AudioFramesSent,
                sum.VideoFramesDropped + s.VideoFramesDropped,
                sum.AudioFramesDropped + s.AudioFramesDropped,
                s.LastTimestamp > sum.LastTimestamp ? s.LastTimestamp : sum.LastTimestamp,
                sum.Reconnects + s.Reconnects,
                Math.Max(sum.BufferedBytes, s.BufferedBytes),
                s.BufferedDuration > sum.BufferedDuration ? s.BufferedDuration : sum.BufferedDuration,
                sum.AverageBitrate + s.AverageBitrate,
                s.LastError ?? sum.LastError,
                Math.Max(sum.QueuedBytes, s.QueuedBytes),
                VideoFramesResent: sum.VideoFramesResent + s.VideoFramesResent,
                AudioFramesResent: sum.AudioFramesResent + s.AudioFramesResent);
        }

        return sum;
    }

    private static async Task EndAsync(RtmpDestination destination, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await destination.DisconnectAsync(reason, cancellationToken).ConfigureAwait(false);
        }
        catch (RtmpException)
        {
            // Recorded as the destination's Failure; the others end as they would alone.
        }
    }

    /// <summary>A destination that failed for good leaves the stream; the others go on.</summary>
    private void Drop(RtmpDestination destination, string reason)
    {
        if (!_active.Contains(destination))
        {
            return;
        }

        _active = [.. _active.Where(d => d != destination)];
        WriterLog.DestinationFailed(_logger, destination.Name, reason);
    }

    private RtmpException EveryOneFailed()
    {
        RtmpDestination[] all = _all;
        if (all.Length == 1)
        {
            return new RtmpException(all[0].FailureKind, all[0].Failure ?? "the connection to the server was lost");
        }

        string reasons = string.Join("; ", all.Select(d => $"{d.Name}: {d.Failure ?? "ended"}"));
        return new RtmpException(all.Select(d => d.FailureKind).FirstOrDefault(), $"every destination failed — {reasons}");
    }

    private void OnStatus(RtmpDestination destination, RtmpWriterStatus status, string reason)
    {
        lock (_statusLock)
        {
            RtmpDestination[] all = _all;
            _status.SetDestination(destination.Name, status, reason, log: all.Length > 1);
            if (all.Length <= 1)
            {
                _status.Set(status, reason);
                return;
            }

            ReportOverall(destination.Name, reason);
        }
    }

    /// <summary>The stream is Connected while any destination is, Reconnecting while any tries to be, else Disconnected.</summary>
    private void ReportOverall(string destination, string reason)
    {
        lock (_statusLock)
        {
            RtmpDestination[] all = _all;
            RtmpWriterStatus overall = all.Any(d => d.Status == RtmpWriterStatus.Connected) ? RtmpWriterStatus.Connected
                : all.Any(d => d.Status == RtmpWriterStatus.Reconnecting) ? RtmpWriterStatus.Reconnecting
                : RtmpWriterStatus.Disconnected;
            if (overall != _status.Current)
            {
                _status.Set(overall, $"{destination}: {reason}");
            }
        }
    }

    private string UniqueName(RtmpDestinationOptions destination)
    {
        string name = destination.Name ?? RtmpUrl.Parse(destination.Url).ToString();
        string unique = name;
        for (int n = 2; _all.Any(d => d.Name == unique); n++)
        {
            unique = $"{name}#{n}";
        }

        return unique;
    }
}
