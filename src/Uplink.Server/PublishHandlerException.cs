namespace Uplink.Server;

/// <summary>An <see cref="IRtmpPublishHandler"/> threw: the connection ends the publish and names the handler's error.</summary>
internal sealed class PublishHandlerException(Exception inner) : Exception("the publish handler failed: " + inner.Message, inner);
