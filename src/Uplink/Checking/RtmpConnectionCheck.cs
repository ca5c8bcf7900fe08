using Uplink.Session;

namespace Uplink;

/// <summary>
/// Tests a connection without sending media: TCP (and TLS), handshake, <c>connect</c> and any authentication the
/// server asks for, exactly as <see cref="RtmpWriter"/> connects; optionally also publishes and at once unpublishes.
/// </summary>
public static class RtmpConnectionCheck
{
    /// <summary>
    /// Connects to <see cref="RtmpWriterOptions.Url"/> with <paramref name="options"/> (transport, TLS, credentials,
    /// connect parameters, logging), then closes gracefully. <see cref="RtmpWriterOptions.ConnectTimeout"/> bounds the
    /// whole check, publish included; <see cref="RtmpWriterOptions.CloseTimeout"/> bounds the wait for the server to close.
    /// </summary>
    /// <param name="options">The settings the writer would connect with, checked as the writer checks them; no media is sent.</param>
    /// <param name="publish">Also <c>createStream</c> and <c>publish</c> the URL's stream name, then unpublish it.</param>
    /// <param name="cancellationToken">Cancels the check (an <see cref="OperationCanceledException"/>, not a timeout).</param>
    /// <returns>What the server said about itself, the timings, and the publish's status when asked for.</returns>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="RtmpWriterOptions.Validate"/>).</exception>
    /// <exception cref="RtmpException">Unreachable, TLS refused, handshake failed, connect or publish refused (with the reason), or timed out.</exception>
    public static async Task<RtmpConnectionCheckResult> RunAsync(RtmpWriterOptions options, bool publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RtmpUrl url = RtmpUrl.Parse(options.Url);
        (RtmpClientConnection connection, RtmpServerStatus? published) =
            await RtmpConnector.ConnectAndPublishAsync(url, options, null, publish, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (published is not null)
            {
                await connection.UnpublishAndCloseAsync(url.StreamName, options.CloseTimeout, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Not UnpublishAndCloseAsync: with nothing published it would log "Unpublished and closed".
                await connection.CloseGracefullyAsync(options.CloseTimeout).ConfigureAwait(false);
            }
        }

        return new RtmpConnectionCheckResult(connection.Info!, published);
    }
}

/// <summary>What <see cref="RtmpConnectionCheck.RunAsync"/> found.</summary>
/// <param name="Server">The server's version and capabilities, the connect time and the handshake's round-trip time.</param>
/// <param name="PublishStatus">The server's answer to <c>publish</c> (e.g. <c>NetStream.Publish.Start</c>); null when the check did not publish.</param>
public sealed record RtmpConnectionCheckResult(RtmpServerInfo Server, RtmpServerStatus? PublishStatus)
{
    /// <summary>True when the check published (and unpublished) successfully.</summary>
    public bool Published => PublishStatus is not null;
}
