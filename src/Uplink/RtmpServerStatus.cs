using Uplink.Protocol.Amf;

namespace Uplink;

/// <summary>An <c>onStatus</c> (or <c>_error</c>) info object the server sent: level, code and description.</summary>
/// <param name="Level"><c>status</c>, <c>warning</c> or <c>error</c>.</param>
/// <param name="Code">For example <c>NetStream.Publish.Start</c>.</param>
/// <param name="Description">The server's free text, possibly empty.</param>
public sealed record RtmpServerStatus(string Level, string Code, string Description)
{
    /// <summary>For <c>NetConnection.Connect.ReconnectRequest</c> (Enhanced RTMP): where to reconnect, when the server says.</summary>
    public string? TcUrl { get; init; }

    /// <summary>True when the level is <c>error</c>.</summary>
    public bool IsError => string.Equals(Level, "error", StringComparison.OrdinalIgnoreCase);

    /// <summary>The last status object (one with a <c>code</c>) among a command's values, as onStatus and _error carry it.</summary>
    internal static RtmpServerStatus? Find(IReadOnlyList<object?> args)
    {
        for (int i = args.Count - 1; i >= 0; i--)
        {
            if (args[i] is AmfObject o && o.GetString("code") is { } code)
            {
                // Server text goes into errors and logs: no line breaks or escapes from it.
                return new RtmpServerStatus(Session.ServerText.Clean(o.GetString("level") ?? ""), Session.ServerText.Clean(code), Session.ServerText.Clean(o.GetString("description") ?? ""))
                {
                    TcUrl = o.GetString("tcUrl"),
                };
            }
        }

        return null;
    }
}
