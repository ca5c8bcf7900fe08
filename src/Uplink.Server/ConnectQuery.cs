namespace Uplink.Server;

/// <summary>
/// The query an authenticating client appends to the <c>connect</c> app (<c>live?authmod=adobe&amp;user=U…</c>).
/// Values are taken raw, as FFmpeg and OBS append them unencoded (base64 with '+', '/' and '=' padding).
/// </summary>
internal sealed class ConnectQuery
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ConnectQuery()
    {
    }

    /// <summary>The app without its query.</summary>
    public string App { get; private init; } = "";

    /// <summary>Gets a parameter's raw value, or null when absent.</summary>
    public string? this[string name] => _values.TryGetValue(name, out string? v) ? v : null;

    /// <summary>Splits <c>app?k=v&amp;k=v</c>; at most 32 parameters are kept.</summary>
    public static ConnectQuery Parse(string app)
    {
        int q = app.IndexOf('?', StringComparison.Ordinal);
        var result = new ConnectQuery { App = q < 0 ? app : app[..q] };
        if (q < 0)
        {
            return result;
        }

        foreach (string part in app[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (result._values.Count >= 32)
            {
                break;
            }

            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? "" : part[(eq + 1)..];
            result._values.TryAdd(key, value);
        }

        return result;
    }
}
