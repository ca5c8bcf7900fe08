using System.Globalization;

namespace Uplink.Server;

/// <summary>
/// Where a publish is recorded: <c>DIR/APP/STREAM-yyyyMMdd-HHmmss(-n).flv</c>. Names come from the client,
/// so each is reduced to one safe path segment (no separators, control or reserved characters, no <c>..</c>,
/// no leading dot, at most 100 characters) and the final path is checked to stay under DIR.
/// </summary>
internal static class RecordingPaths
{
    private const int MaxNameLength = 100;

    /// <summary>Turns a client-supplied name into one safe file-name segment (never empty).</summary>
    public static string SanitizeSegment(string name)
    {
        if (name.Length > MaxNameLength)
        {
            name = name[..MaxNameLength];
        }

        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            chars[i] = char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsSurrogate(c) ? '_' : c;
        }

        // No "..", and no leading dot (".", "..", hidden files).
        for (int i = 0; i + 1 < chars.Length; i++)
        {
            if (chars[i] == '.' && chars[i + 1] == '.')
            {
                chars[i] = '_';
                chars[i + 1] = '_';
            }
        }

        if (chars.Length > 0 && chars[0] == '.')
        {
            chars[0] = '_';
        }

        string result = new string(chars).Trim();
        return result.Length == 0 ? "_" : result;
    }

    /// <summary>The path for attempt <paramref name="attempt"/> (0 = no suffix), verified to stay under <paramref name="directory"/>.</summary>
    public static string Build(string directory, string app, string stream, DateTimeOffset time, int attempt)
    {
        string root = Path.GetFullPath(directory);
        string stamp = time.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string file = SanitizeSegment(stream) + "-" + stamp + (attempt > 0 ? "-" + attempt.ToString(CultureInfo.InvariantCulture) : "") + ".flv";
        string path = Path.GetFullPath(Path.Combine(root, SanitizeSegment(app), file));
        string rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"recording path '{path}' escapes the record directory '{root}'");
        }

        return path;
    }

    /// <summary>Creates a new recording file (never overwriting one), adding -1, -2, … when the name is taken.</summary>
    public static FileStream CreateNew(string directory, string app, string stream, DateTimeOffset time, out string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            path = Build(directory, app, stream, time, attempt);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 64 * 1024);
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
            }
        }
    }
}
