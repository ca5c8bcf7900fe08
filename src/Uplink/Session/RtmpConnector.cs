using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Uplink.Sending;
using Uplink.Session.Auth;
using Uplink.Transport;

namespace Uplink.Session;

/// <summary>
/// Opens a connection and gets <c>connect</c> accepted: TCP (and TLS), handshake, <c>connect</c>, and the
/// authentication steps a server asks for (each a new connection). Shared by the writer and <c>uplink check</c>.
/// </summary>
internal static class RtmpConnector
{
    /// <summary>The log category of connection events and every message sent and received (stable, public).</summary>
    public const string SessionCategory = "Uplink.Session";

    /// <summary>The log category of every chunk sent, at Trace (stable, public).</summary>
    public const string ChunkCategory = "Uplink.Chunks";

    /// <summary>Where connecting got to, for the timeout message.</summary>
    public sealed class Progress
    {
        public string Stage { get; set; } = "connecting";
    }

    /// <summary>Connects and returns the accepted connection (not yet publishing).</summary>
    /// <param name="url">Where to.</param>
    /// <param name="options">Transport, TLS, credentials, connect parameters.</param>
    /// <param name="onServerStatus">Receives the server's onStatus messages.</param>
    /// <param name="progress">Updated as connecting goes on.</param>
    /// <param name="timeoutToken">The caller's token linked with the connect timeout.</param>
    /// <param name="callerToken">The caller's own token, to tell a timeout from a cancellation.</param>
    /// <exception cref="RtmpException">Unreachable, TLS, handshake, refusal (with the reason) or timeout.</exception>
    public static async Task<RtmpClientConnection> ConnectAsync(
        RtmpUrl url, RtmpWriterOptions options, Action<RtmpServerStatus>? onServerStatus, Progress progress, CancellationToken timeoutToken, CancellationToken callerToken)
    {
        ILogger logger = options.LoggerFactory?.CreateLogger(SessionCategory) ?? NullLogger.Instance;
        ILogger chunkLogger = options.LoggerFactory?.CreateLogger(ChunkCategory) ?? NullLogger.Instance;
        RtmpClientConnection? connection = null;
        RtmpCredentials? credentials = options.Credentials ?? (url.UserName is { } user ? new RtmpCredentials(user, url.Password ?? "") : null);
        string authParameters = "";
        try
        {
            // Authentication takes up to three connections: refused (which method?), challenged, accepted.
            for (int attempt = 0; ; attempt++)
            {
                SessionLog.Connecting(logger, url);
                progress.Stage = "connecting";
                RtmpTransport transport = await RtmpTransport.ConnectAsync(url, options.TcpNoDelay, options.SocketSendBufferSize, options.Tls, timeoutToken).ConfigureAwait(false);
                var settings = new RtmpConnectionSettings(
                    options.ChunkSize,
                    options.WindowAcknowledgementSize ?? AcknowledgementWindowSizer.DefaultInitialWindow,
                    options.FlashVersion ?? $"FMLE/3.0 (compatible; Uplink/{UplinkVersion.Value})",
                    options.SendTimeout,
                    options.SwfUrl,
                    options.PageUrl,
                    options.DigestHandshake,
                    options.ConnectProperties,
                    Enhanced: EnhancedRtmpCapabilities.For(options));
                connection = new RtmpClientConnection(transport, settings, logger, chunkLogger, onServerStatus);
                progress.Stage = "in the handshake or connect";
                RtmpServerStatus? refusal = await connection.ConnectAsync(url, authParameters, timeoutToken).ConfigureAwait(false);
                if (refusal is null)
                {
                    // A server that lists the codecs it takes, and not ours, would drop or misread the stream: say so now.
                    if (settings.Enhanced!.FindRefusal(connection.ConnectAnswer) is { } unsupported)
                    {
                        throw new RtmpException(RtmpErrorKind.PublishRejected, unsupported);
                    }

                    return connection;
                }

                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
                bool responded = authParameters.Contains("response=", StringComparison.Ordinal);
                if (AuthenticationStep.TryNext(refusal.Description, credentials, url.App, responded, out authParameters, out string failure) && attempt < 2)
                {
                    continue;
                }

                string description = ServerText.Shorten(Redact(url, refusal.Description, credentials));
                string code = ServerText.Shorten(refusal.Code);
                string reason = failure.Length > 0 ? failure : $"{code}{(description.Length > 0 ? " (" + description + ")" : "")}";
                throw new RtmpException(RtmpErrorKind.ConnectRejected, $"server refused connect: {reason}", code, description);
            }
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw TimedOut(url, options, progress);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Connects (with authentication) and, when asked, publishes the URL's stream name, all within
    /// <see cref="RtmpWriterOptions.ConnectTimeout"/>: what the writer does before sending, and what <c>uplink check</c> tests.
    /// </summary>
    /// <returns>The connection, and the server's answer to <c>publish</c> (null when not asked to publish).</returns>
    /// <exception cref="RtmpException">Unreachable, TLS, handshake, refusal (with the reason) or timeout (naming the stage).</exception>
    public static async Task<(RtmpClientConnection Connection, RtmpServerStatus? Published)> ConnectAndPublishAsync(
        RtmpUrl url, RtmpWriterOptions options, Action<RtmpServerStatus>? onServerStatus, bool publish, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var progress = new Progress();
        RtmpClientConnection connection = await ConnectAsync(url, options, onServerStatus, progress, timeout.Token, cancellationToken).ConfigureAwait(false);
        if (!publish)
        {
            return (connection, null);
        }

        try
        {
            progress.Stage = "publishing";
            RtmpServerStatus published = await connection.PublishAsync(url.StreamName, timeout.Token).ConfigureAwait(false);
            EnhancedRtmpCapabilities enhanced = EnhancedRtmpCapabilities.For(options);
            if (enhanced.FindPublishRefusal(connection.ConnectAnswer, published) is { } refusal)
            {
                throw new RtmpException(RtmpErrorKind.PublishRejected, refusal, published.Code, published.Description);
            }

            connection.MultitrackRefusal = enhanced.FindMultitrackRefusal(connection.ConnectAnswer, published);

            return (connection, published);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw TimedOut(url, options, progress);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static RtmpException TimedOut(RtmpUrl url, RtmpWriterOptions options, Progress progress) =>
        new(RtmpErrorKind.Timeout, $"timed out after {options.ConnectTimeout.TotalSeconds:0.#} s {progress.Stage} ({url.Host}:{url.Port})");

    private static string Redact(RtmpUrl url, string text, RtmpCredentials? credentials)
    {
        text = url.Redact(text);
        return credentials is { Password.Length: > 0 } ? text.Replace(credentials.Password, "***", StringComparison.Ordinal) : text;
    }
}
