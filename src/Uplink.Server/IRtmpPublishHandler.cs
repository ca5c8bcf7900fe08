using Uplink.Protocol.Chunks;

namespace Uplink.Server;

/// <summary>
/// Receives one publish's messages as they arrive (see <see cref="RtmpServerOptions.PublishHandlerFactory"/>): what an
/// embedder implements to forward, transcode or inspect a live stream. One handler serves one publish session.
/// </summary>
/// <remarks>
/// The receive loop awaits every call, so a handler that waits holds the publisher back (TCP backpressure) and one that
/// waits longer than <see cref="RtmpServerOptions.IdleTimeout"/> ends the connection; <see cref="Uplink.RtmpRelay"/> in
/// live mode never waits. A handler that throws ends the publish (the connection is closed and the reason logged); the
/// server goes on.
/// </remarks>
public interface IRtmpPublishHandler
{
    /// <summary>
    /// One message of the publish: <see cref="RtmpMessageType.Audio"/> or <see cref="RtmpMessageType.Video"/> (an FLV tag
    /// body, legacy or Enhanced RTMP), or <see cref="RtmpMessageType.DataAmf0"/> (as received, <c>@setDataFrame</c>
    /// included; AMF3 data arrives without its leading byte). Aggregate messages arrive split into their tags, with the
    /// timestamps the recorder gives them.
    /// </summary>
    /// <param name="type">Audio, Video or DataAmf0.</param>
    /// <param name="timestamp">The message's timestamp as received (milliseconds).</param>
    /// <param name="body">The body; valid only until the returned task completes (copy what you keep).</param>
    /// <param name="cancellationToken">Cancelled when the server stops.</param>
    ValueTask OnMessageAsync(RtmpMessageType type, uint timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    /// <summary>
    /// The publish ended (unpublished, closed, lost, or the server stopped); called once, before
    /// <see cref="RtmpServer.SessionEnded"/> is raised and before the stream name can be published again. A throwing
    /// implementation is logged and ignored.
    /// </summary>
    /// <param name="summary">What the publish delivered to the server.</param>
    ValueTask OnEndAsync(PublishSessionSummary summary);
}
