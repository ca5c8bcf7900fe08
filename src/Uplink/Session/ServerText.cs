namespace Uplink.Session;

/// <summary>
/// Text a server chose (status codes, descriptions) made fit for a one-line error or log entry: no control characters
/// (a line break would forge a log line), and no longer than a reader needs. Shorten only after redacting, so a cut
/// never leaves part of a secret the redaction would no longer recognise.
/// </summary>
internal static class ServerText
{
    /// <summary>How many characters of a server's code or description an error message keeps.</summary>
    public const int MaxLength = 160;

    /// <summary>Control characters (line breaks, escapes, NUL) replaced by spaces.</summary>
    public static string Clean(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }

    /// <summary>The first <see cref="MaxLength"/> characters, saying how long the whole was when it is cut.</summary>
    public static string Shorten(string text) =>
        text.Length <= MaxLength ? text : $"{text.AsSpan(0, MaxLength)}… ({text.Length} characters)";
}
