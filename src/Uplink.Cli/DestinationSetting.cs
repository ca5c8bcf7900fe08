namespace Uplink.Cli;

/// <summary>
/// One destination of <c>uplink publish</c>: a URL from the command line (no settings of its own), or an entry of the
/// config file's <c>"Destinations"</c> array, whose settings are named after the flags they override for it alone.
/// Null takes the flag's value.
/// </summary>
internal sealed record DestinationSetting(
    string Url,
    string? Name = null,
    bool? Live = null,
    int? ReconnectAttempts = null,
    double? ReconnectDelay = null,
    int? BufferSize = null,
    int? ChunkSize = null,
    double? SendTimeout = null,
    double? ConnectTimeout = null)
{
    /// <summary>The settings a file entry may hold besides Url and Name: the flags of the same name.</summary>
    public static readonly IReadOnlyList<string> FlagSettings = ["Live", "ReconnectAttempts", "ReconnectDelay", "BufferSize", "ChunkSize", "SendTimeout", "ConnectTimeout"];

    /// <summary>Whether it sets anything of its own (besides its URL).</summary>
    public bool HasOwnSettings => this with { Url = "" } != new DestinationSetting("");

    /// <summary>Its URL with the stream key and password masked, or a masked sketch when it does not parse.</summary>
    public string MaskedUrl => Mask(Url);

    /// <summary>A URL fit to show: parsed and masked, or (invalid) cut before its last path segment and any user info.</summary>
    public static string Mask(string url)
    {
        if (RtmpUrl.TryParse(url, out RtmpUrl? parsed, out _))
        {
            return parsed.ToString();
        }

        int at = url.IndexOf('@', StringComparison.Ordinal);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        string text = at >= 0 ? (scheme >= 0 && scheme < at ? url[..(scheme + 3)] : "") + "***@" + url[(at + 1)..] : url;
        int slash = text.LastIndexOf('/');
        int afterHost = text.IndexOf('/', scheme >= 0 ? scheme + 3 : 0);
        return slash >= 0 && slash > afterHost && slash < text.Length - 1 ? text[..(slash + 1)] + "***" : text;
    }
}
