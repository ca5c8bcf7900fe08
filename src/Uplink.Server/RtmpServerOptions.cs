using System.Net;
using Microsoft.Extensions.Logging;

namespace Uplink.Server;

/// <summary>Everything the server is told, as one immutable record; change it with <c>with</c>. Every setting has a working default.</summary>
public sealed record RtmpServerOptions
{
    /// <summary>The default RTMP port.</summary>
    public const int DefaultPort = 1935;

    /// <summary>Where to listen (default 127.0.0.1:1935); port 0 picks a free port, see <see cref="RtmpServer.Port"/>.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>Directory to record each publish into (<c>DIR/APP/STREAM-yyyyMMdd-HHmmss.flv</c>); null records nothing.</summary>
    public string? RecordDirectory { get; init; }

    /// <summary>The one user allowed to publish when <see cref="AuthMode"/> is not <see cref="RtmpAuthMode.None"/>.</summary>
    public string? UserName { get; init; }

    /// <summary>That user's password.</summary>
    public string? Password { get; init; }

    /// <summary>How publishers authenticate (default none).</summary>
    public RtmpAuthMode AuthMode { get; init; }

    /// <summary>Most connections open at once; more are closed on accept (default 64).</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Largest chunk size a client may set (default 65536); a larger Set Chunk Size closes the connection.</summary>
    public int MaxChunkSize { get; init; } = 65536;

    /// <summary>Largest message a client may announce (default 16 MiB − 1, all the RTMP length field carries).</summary>
    public int MaxMessageLength { get; init; } = 0xFFFFFF;

    /// <summary>Most bytes of partly received messages held per connection (default 32 MiB).</summary>
    public long MaxBufferedBytesPerConnection { get; init; } = 32L * 1024 * 1024;

    /// <summary>Time allowed for the whole handshake (default 10 s).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that sends nothing for this long is closed (default 30 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a salt/challenge/nonce handed out for authentication stays valid (default 2 min).</summary>
    public TimeSpan AuthenticationChallengeLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The chunk size the server sends with (default 4096).</summary>
    public int ChunkSize { get; init; } = 4096;

    /// <summary>The Window Acknowledgement Size the server announces (default 2,500,000).</summary>
    public uint WindowAcknowledgementSize { get; init; } = 2_500_000;

    /// <summary>
    /// Called as each publish is accepted (after its recording file is created): returns the handler that receives the
    /// publish's messages, or null for none. A throwing factory refuses the publish with <c>NetStream.Publish.Failed</c>.
    /// Null (the default) hands messages to no one.
    /// </summary>
    public Func<PublishSessionInfo, IRtmpPublishHandler?>? PublishHandlerFactory { get; init; }

    /// <summary>
    /// Most publishes in progress at once, over every app and stream; one more is refused with
    /// <c>NetStream.Publish.Denied</c>. Null (the default): only <see cref="MaxConnections"/> limits them.
    /// A publish counts until its handler's <see cref="IRtmpPublishHandler.OnEndAsync"/> returns.
    /// </summary>
    public int? MaxPublishes { get; init; }

    /// <summary>Test-peer knobs; the default behaves as a normal server.</summary>
    public RtmpServerBehavior Behavior { get; init; } = new();

    /// <summary>Where the server logs; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock for session times and challenge expiry.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every setting, throwing <see cref="ArgumentException"/> naming the setting and its allowed range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Listen, nameof(Listen));
        Require(MaxConnections is >= 1 and <= 100_000, nameof(MaxConnections), "must be 1 to 100000");
        Require(MaxPublishes is null or >= 1, nameof(MaxPublishes), "must be at least 1 (or null for no limit)");
        Require(MaxChunkSize is >= 128 and <= 16 * 1024 * 1024, nameof(MaxChunkSize), "must be 128 to 16777216");
        Require(MaxMessageLength is >= 1024 and <= 0xFFFFFF, nameof(MaxMessageLength), "must be 1024 to 16777215 (the RTMP length field's limit)");
        Require(MaxBufferedBytesPerConnection >= MaxMessageLength, nameof(MaxBufferedBytesPerConnection), "must be at least MaxMessageLength");
        Require(HandshakeTimeout > TimeSpan.Zero, nameof(HandshakeTimeout), "must be positive");
        Require(IdleTimeout > TimeSpan.Zero, nameof(IdleTimeout), "must be positive");
        Require(AuthenticationChallengeLifetime > TimeSpan.Zero, nameof(AuthenticationChallengeLifetime), "must be positive");
        Require(ChunkSize is >= 128 and <= 65536, nameof(ChunkSize), "must be 128 to 65536");
        Require(WindowAcknowledgementSize is >= 4096 and <= 0x7FFFFFFF, nameof(WindowAcknowledgementSize), "must be 4096 to 2147483647");
        if (AuthMode != RtmpAuthMode.None)
        {
            Require(!string.IsNullOrEmpty(UserName) && !string.IsNullOrEmpty(Password), nameof(UserName), "and Password must be set when AuthMode is not None");
        }
    }

    /// <summary>Shows the settings without the password.</summary>
    public override string ToString() =>
        $"RtmpServerOptions {{ Listen = {Listen}, RecordDirectory = {RecordDirectory ?? "(none)"}, AuthMode = {AuthMode}, UserName = {UserName ?? "(none)"}, MaxConnections = {MaxConnections} }}";

    private static void Require(bool condition, string name, string what)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {what}.", name);
        }
    }
}
