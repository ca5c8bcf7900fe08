namespace Uplink.Session;

/// <summary>What one connection needs to know, taken from the writer's options.</summary>
internal sealed record RtmpConnectionSettings(
    int ChunkSize,
    uint WindowAcknowledgementSize,
    string FlashVersion,
    TimeSpan SendTimeout,
    string? SwfUrl = null,
    string? PageUrl = null,
    bool DigestHandshake = false,
    IReadOnlyList<KeyValuePair<string, object?>>? ExtraConnectProperties = null,
    int MaxIncomingMessageLength = 4 * 1024 * 1024,
    int MaxIncomingChunkSize = 1 << 24);
