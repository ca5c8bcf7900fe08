using System.Globalization;
using System.Text;

namespace Uplink;

/// <summary>
/// A parsed RTMP URL: <c>rtmp://[user:pass@]host[:port]/app[/instance]/stream[?query]</c>, <c>rtmps://…</c>,
/// or the <c>rtmp:host/app+stream</c> form where <c>+</c> splits the application from the stream name
/// explicitly. Without <c>+</c> the last path segment is the stream name. A query on the application
/// (<c>/app?token=x/stream</c>) stays with the application and the tcUrl; a query on the stream stays
/// with the publish name. <see cref="ToString"/> never shows the password, the stream name or query values.
/// </summary>
public sealed class RtmpUrl
{
    private RtmpUrl(string scheme, string host, int port, bool explicitPort, string app, string streamName, string? userName, string? password)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        HasExplicitPort = explicitPort;
        App = app;
        StreamName = streamName;
        UserName = userName;
        Password = password;
    }

    /// <summary><c>rtmp</c> or <c>rtmps</c>.</summary>
    public string Scheme { get; }

    /// <summary>True for <c>rtmps</c> (RTMP over TLS).</summary>
    public bool IsTls => Scheme == "rtmps";

    /// <summary>Host name or IP address (IPv6 without brackets).</summary>
    public string Host { get; }

    /// <summary>TCP port: as given, else 1935 for rtmp and 443 for rtmps.</summary>
    public int Port { get; }

    /// <summary>True when the URL named the port.</summary>
    public bool HasExplicitPort { get; }

    /// <summary>The application, with any instance and application query (<c>live</c>, <c>app/inst</c>, <c>app?token=x</c>).</summary>
    public string App { get; }

    /// <summary>The publish name, with any stream query (<c>stream?key=abc</c>).</summary>
    public string StreamName { get; }

    /// <summary>The user name given in the URL, if any.</summary>
    public string? UserName { get; }

    /// <summary>The password given in the URL, if any. Never shown by <see cref="ToString"/>.</summary>
    public string? Password { get; }

    /// <summary>The tcUrl sent in <c>connect</c>: scheme, host, port when given, application; no credentials.</summary>
    public string TcUrl => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{HostForUrl}{(HasExplicitPort ? ":" + Port.ToString(CultureInfo.InvariantCulture) : "")}/{App}");

    private string HostForUrl => Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host;

    /// <summary>Parses a URL, throwing <see cref="FormatException"/> with a one-line reason.</summary>
    public static RtmpUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryParse(url, out RtmpUrl? result, out string? error) ? result : throw new FormatException(error);
    }

    /// <summary>Parses a URL; on failure returns false with a reason that does not repeat any secret.</summary>
    public static bool TryParse(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RtmpUrl? result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        result = null;
        error = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "RTMP URL is empty.";
            return false;
        }

        url = url.Trim();
        int colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = "RTMP URL must start with rtmp:// or rtmps://.";
            return false;
        }

        string scheme = url[..colon].ToLowerInvariant();
        if (scheme is not ("rtmp" or "rtmps"))
        {
            error = $"unsupported URL scheme '{scheme}': use rtmp:// or rtmps://.";
            return false;
        }

        string rest = url[(colon + 1)..];
        rest = rest.StartsWith("//", StringComparison.Ordinal) ? rest[2..] : rest;

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = "RTMP URL has no application and stream name (expected rtmp://host/app/stream).";
            return false;
        }

        string authority = rest[..slash];
        string path = rest[(slash + 1)..];

        string? user = null;
        string? password = null;
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int sep = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(sep >= 0 ? userInfo[..sep] : userInfo);
            password = sep >= 0 ? Uri.UnescapeDataString(userInfo[(sep + 1)..]) : null;
        }

        if (!TrySplitHostPort(authority, scheme, out string host, out int port, out bool explicitPort, out string? hostError))
        {
            error = hostError ?? "RTMP URL has an invalid host.";
            return false;
        }

        string app;
        string stream;
        int plus = path.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            app = path[..plus];
            stream = path[(plus + 1)..];
        }
        else
        {
            // The stream is the last segment; a query on the stream (which may itself hold '/') stays with it.
            int query = path.IndexOf('?', StringComparison.Ordinal);
            int searchEnd = query >= 0 && path.LastIndexOf('/', query) >= 0 ? query : path.Length;
            int split = path.LastIndexOf('/', searchEnd - 1 < 0 ? 0 : searchEnd - 1);
            if (split < 0)
            {
                error = "RTMP URL needs both an application and a stream name (rtmp://host/app/stream or rtmp://host/app+stream).";
                return false;
            }

            app = path[..split];
            stream = path[(split + 1)..];
        }

        app = app.Trim('/');
        if (app.Length == 0)
        {
            error = "RTMP URL has an empty application name.";
            return false;
        }

        if (stream.Length == 0)
        {
            error = "RTMP URL has an empty stream name.";
            return false;
        }

        result = new RtmpUrl(scheme, host, port, explicitPort, app, stream, user, password);
        return true;
    }

    /// <summary>The URL with the password, the stream name and query values masked, safe for logs.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Scheme).Append("://");
        if (UserName is not null)
        {
            sb.Append(UserName);
            if (Password is not null)
            {
                sb.Append(":***");
            }

            sb.Append('@');
        }

        sb.Append(HostForUrl);
        if (HasExplicitPort)
        {
            sb.Append(':').Append(Port.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('/').Append(MaskQuery(App)).Append('/').Append("***");
        return sb.ToString();
    }

    /// <summary>
    /// Replaces every secret this URL holds (password, stream name, query values of four characters or more)
    /// in a text that may echo them, such as a server's status description, with <c>***</c>.
    /// </summary>
    internal string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (string secret in Secrets())
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private IEnumerable<string> Secrets()
    {
        // Longest first, so a stream name with its query is masked whole before its parts.
        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(Password))
        {
            secrets.Add(Password);
        }

        secrets.Add(StreamName);
        int q = StreamName.IndexOf('?', StringComparison.Ordinal);
        if (q > 0)
        {
            secrets.Add(StreamName[..q]);
        }

        foreach (string part in new[] { StreamName, App })
        {
            int at = part.IndexOf('?', StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            foreach (string pair in part[(at + 1)..].Split('&'))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string value = eq >= 0 ? pair[(eq + 1)..] : pair;
                if (value.Length >= 4)
                {
                    secrets.Add(value);
                }
            }
        }

        // Very short names ("x", "cam") are not secrets worth mangling every message for.
        secrets.RemoveAll(s => s.Length < 4);
        secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        return secrets;
    }

    internal static string MaskQuery(string value)
    {
        int q = value.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? value : value[..q] + "?***";
    }

    private static bool TrySplitHostPort(string authority, string scheme, out string host, out int port, out bool explicitPort, out string? error)
    {
        error = null;
        port = scheme == "rtmps" ? 443 : 1935;
        explicitPort = false;
        string portText = "";
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                host = "";
                error = "RTMP URL has an unclosed '[' in an IPv6 host.";
                return false;
            }

            host = authority[1..close];
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    error = "RTMP URL has text after the IPv6 host.";
                    return false;
                }

                portText = authority[(close + 2)..];
            }
        }
        else
        {
            int c = authority.LastIndexOf(':');
            host = c >= 0 ? authority[..c] : authority;
            portText = c >= 0 ? authority[(c + 1)..] : "";
        }

        if (host.Length == 0)
        {
            error = "RTMP URL has no host.";
            return false;
        }

        if (portText.Length > 0)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error = $"RTMP URL has an invalid port '{portText}'.";
                return false;
            }

            explicitPort = true;
        }

        return true;
    }
}
