namespace Uplink.Server;

/// <summary>
/// Test-peer knobs that make the server misbehave on purpose. Set them in <see cref="RtmpServerOptions.Behavior"/>;
/// the per-session actions (ReconnectRequest, stalling) are methods of <see cref="RtmpServer"/>.
/// </summary>
public sealed record RtmpServerBehavior
{
    /// <summary>Refuse every publish with <c>onStatus</c> level error and this code (e.g. <c>NetStream.Publish.Denied</c>); null publishes normally.</summary>
    public string? RefusePublishCode { get; init; }

    /// <summary>The description sent with <see cref="RefusePublishCode"/>.</summary>
    public string RefusePublishDescription { get; init; } = "Publishing refused by the server.";

    /// <summary>Drop (abort) a connection once this many bytes have been received from it, handshake included; null never.</summary>
    public long? DropAfterBytes { get; init; }
}
