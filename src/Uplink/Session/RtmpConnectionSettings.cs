using Uplink.Protocol.Amf;

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
    int MaxIncomingChunkSize = 1 << 24,
    EnhancedRtmpCapabilities? Enhanced = null)
{
    /// <summary>The <c>connect</c> command object for <paramref name="url"/>, with <paramref name="authParameters"/> appended to app and tcUrl.</summary>
    public AmfObject BuildConnectObject(RtmpUrl url, string authParameters)
    {
        var o = new AmfObject()
            .Add("app", url.App + authParameters)
            .Add("type", "nonprivate")
            .Add("flashVer", FlashVersion)
            .Add("tcUrl", url.TcUrl + authParameters);
        if (SwfUrl is not null)
        {
            o.Add("swfUrl", SwfUrl);
        }

        if (PageUrl is not null)
        {
            o.Add("pageUrl", PageUrl);
        }

        // Before the caller's extra properties, which may override what we declare.
        Enhanced?.AddTo(o);
        foreach (KeyValuePair<string, object?> extra in ExtraConnectProperties ?? [])
        {
            o[extra.Key] = extra.Value;
        }

        return o;
    }
}

