namespace Uplink;

/// <summary>
/// Automatic reconnection: after a lost connection the writer keeps taking frames, reconnects (connect,
/// authentication, publish), resends metadata and sequence headers, and goes on from the start of the GOP holding
/// the first frame the server had not acknowledged — nothing lost when the outage fits the buffer.
/// </summary>
/// <remarks>
/// How much a replay resends: servers acknowledge every <see cref="RtmpWriterOptions.WindowAcknowledgementSize"/> bytes
/// (about a hundredth of a second of media by default), so what goes twice is up to that much plus the rest of one GOP,
/// never more than <see cref="BufferSize"/>. A server that sends no acknowledgements confirms nothing; there what its
/// host's TCP acknowledged stands in (plain TCP on Linux), else the replay starts at the oldest frame kept. <see cref="RtmpWriterStats.VideoFramesResent"/> and <see cref="RtmpWriterStats.AudioFramesResent"/>
/// count it. A server that drops each connection before it acknowledged past the replay (see <see cref="Attempts"/>)
/// ends the stream rather than being sent the same frames for ever.
/// </remarks>
public sealed record RtmpReconnectOptions
{
    /// <summary>Reconnection off.</summary>
    public RtmpReconnectOptions()
    {
    }

    /// <summary>Reconnection on.</summary>
    /// <param name="Attempts">How many times to try after each loss (the count starts again once a connection is restored); 0 never reconnects (the default).</param>
    /// <param name="Delay">The wait before the first attempt; later ones back off from it (see <see cref="Policy"/>). Default 2 s.</param>
    public RtmpReconnectOptions(int Attempts, TimeSpan? Delay = null)
    {
        this.Attempts = Attempts;
        this.Delay = Delay ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>How many times to try after each loss: the count starts again once a connection is restored, so a stream that
    /// loses its connection four times reconnects four times with <c>Attempts = 3</c>. 0 never reconnects (the default).
    /// Also how many restored connections in a row may be lost without progress — before the server acknowledged past where
    /// their replay started, or (for a server that sends no acknowledgements) before one carried its replay and stayed up
    /// 10 s — before the writer stops.</summary>
    public int Attempts { get; init; }

    /// <summary>The wait before the first attempt; later ones back off from it (see <see cref="Policy"/>).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait before each attempt; null for exponential backoff from <see cref="Delay"/> with jitter, capped at 30 s.</summary>
    public IReconnectPolicy? Policy { get; init; }

    /// <summary>Bytes of stream kept for replay and for the backlog while reconnecting (default 32 MiB); past it the oldest frames go.</summary>
    public long BufferSize { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Whether the first connection (<see cref="RtmpWriter.ConnectAsync"/>, or the first write) is tried again, up to
    /// <see cref="Attempts"/> times with the policy's delays, when the server is unreachable, times out or drops the handshake —
    /// for a publisher that may start before its server. A refusal (authentication, stream name), a TLS or a protocol
    /// failure still fails at once. Default false: a first connection that fails says so at once.
    /// </summary>
    public bool RetryFirstConnect { get; init; }

    /// <summary>The timestamps a connection made after a loss carries: they start again (the default) or go on.</summary>
    public RtmpReconnectTimestamps Timestamps { get; init; }

    /// <summary>The policy in force.</summary>
    internal IReconnectPolicy EffectivePolicy => Policy ?? new ExponentialBackoffPolicy(Delay, TimeSpan.FromSeconds(30));
}
