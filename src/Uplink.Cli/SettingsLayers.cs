using System.Collections;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Uplink.Cli;

/// <summary>
/// Where <c>uplink publish</c> takes its settings from, weakest first: the defaults, a JSON file (<c>--config FILE</c>),
/// <c>UPLINK_…</c> environment variables, and the command line, which wins. A setting is named after its flag, without
/// the dashes and in any case: <c>--reconnect-attempts</c> is <c>"ReconnectAttempts"</c> in the file and
/// <c>UPLINK_RECONNECT_ATTEMPTS</c> in the environment; <c>"Url"</c> / <c>UPLINK_URL</c> is the URL argument. The file's
/// <c>"Destinations"</c> array adds servers after the command line's URLs, each with its own Url, Name and some flags
/// (<see cref="DestinationSetting.FlagSettings"/>), which stay the file's (no environment variable). The file and
/// the environment are read with Microsoft.Extensions.Configuration; their values then go through the flags' own parsing
/// and validation, so a bad value is refused at start naming the setting, where it came from and the allowed range.
/// </summary>
internal sealed class SettingsLayers
{
    public const string EnvironmentPrefix = "UPLINK_";

    private readonly Command _command;
    private readonly Dictionary<string, Option> _options = new(StringComparer.OrdinalIgnoreCase);

    public SettingsLayers(Command command)
    {
        _command = command;
        foreach (Option option in command.Options)
        {
            if (option.Name.StartsWith("--", StringComparison.Ordinal) && option.Name != "--config")
            {
                _options[Key(option.Name)] = option;
            }
        }
    }

    /// <summary>One setting's value and where it came from (the file's path or the variable's name).</summary>
    public sealed record Setting(string Name, string Value, string Source);

    /// <summary>"--reconnect-attempts" → "ReconnectAttempts".</summary>
    public static string Key(string flag) =>
        string.Concat(flag.TrimStart('-').Split('-', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>
    /// The settings the file and the environment give (environment over file), validated; the command line is not
    /// consulted. <paramref name="configFile"/> may be null.
    /// </summary>
    /// <exception cref="InputException">The file is missing or not JSON, names an unknown setting, or a value is invalid.</exception>
    public IReadOnlyList<Setting> Read(string? configFile, IDictionary environment)
    {
        var settings = new Dictionary<string, Setting>(StringComparer.OrdinalIgnoreCase);
        if (configFile is not null)
        {
            foreach ((string key, string value) in ReadFile(configFile))
            {
                if (!IsDestinationKey(key))
                {
                    Add(settings, key, value, configFile, strict: true);
                }
            }

            _ = ReadDestinations(configFile);
        }

        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && entry.Value is string value && value.Length > 0)
            {
                // Other UPLINK_ variables (a test harness's, say) are not ours to refuse.
                string key = name[EnvironmentPrefix.Length..].Replace("_", "", StringComparison.Ordinal);
                Add(settings, key, value, name, strict: false);
            }
        }

        return [.. settings.Values];
    }

    /// <summary>
    /// The command line to parse: <paramref name="args"/> with every setting it leaves out taken from the file and the
    /// environment. Only for <c>publish</c>; any other command line comes back as it is.
    /// </summary>
    public string[] Apply(ParseResult parsed, string[] args, IDictionary environment)
    {
        if (parsed.CommandResult.Command != _command)
        {
            return args;
        }

        string? configFile = parsed.CommandResult.Children.OfType<OptionResult>().FirstOrDefault(o => o.Option.Name == "--config")?.GetValueOrDefault<string?>();
        var extra = new List<string>();
        bool hasUrl = parsed.CommandResult.Children.OfType<ArgumentResult>().Any(a => a.Argument.Name == "urls" && a.Tokens.Count > 0);
        foreach (Setting setting in Read(configFile, environment))
        {
            if (setting.Name.Equals("Url", StringComparison.OrdinalIgnoreCase))
            {
                if (!hasUrl)
                {
                    extra.Add(setting.Value);
                }

                continue;
            }

            Option option = _options[setting.Name];
            if (parsed.GetResult(option) is { Implicit: false })
            {
                continue; // given on the command line: it wins
            }

            extra.AddRange(Tokens(option, setting.Value));
        }

        return extra.Count == 0 ? args : [.. args, .. extra];
    }

    /// <summary>The file's <c>"Destinations"</c> entries, in order, validated (each value as its flag would be); none without a file.</summary>
    /// <exception cref="InputException">The file cannot be read, or an entry has no Url, an unknown setting or an invalid value.</exception>
    public IReadOnlyList<DestinationSetting> ReadDestinations(string? configFile)
    {
        if (configFile is null)
        {
            return [];
        }

        // Destinations:0:Url, Destinations:0:Live … (Microsoft.Extensions.Configuration's form of a JSON array).
        var entries = new SortedDictionary<int, Dictionary<string, string>>();
        foreach ((string key, string value) in ReadFile(configFile))
        {
            if (!IsDestinationKey(key))
            {
                continue;
            }

            string[] parts = key.Split(':');
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw new InputException($"{configFile}: Destinations must be an array of objects like {{\"Url\": \"rtmp://…\", \"Live\": true}}");
            }

            if (!entries.TryGetValue(index, out Dictionary<string, string>? entry))
            {
                entries[index] = entry = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }

            entry[parts[2]] = value;
        }

        return [.. entries.Select(e => Destination(e.Value, $"{configFile}: Destinations[{e.Key.ToString(CultureInfo.InvariantCulture)}]"))];
    }

    private DestinationSetting Destination(Dictionary<string, string> entry, string source)
    {
        foreach (string name in entry.Keys)
        {
            if (!name.Equals("Url", StringComparison.OrdinalIgnoreCase) && !name.Equals("Name", StringComparison.OrdinalIgnoreCase)
                && !DestinationSetting.FlagSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new InputException($"{source}: unknown setting '{name}' (a destination takes Url, Name, {string.Join(", ", DestinationSetting.FlagSettings)})");
            }
        }

        if (!entry.TryGetValue("Url", out string? url) || url.Length == 0)
        {
            throw new InputException($"{source}: Url is missing");
        }

        if (!RtmpUrl.TryParse(url, out _, out string? urlError))
        {
            throw new InputException($"{source}: Url {DestinationSetting.Mask(url)}: {urlError}");
        }

        foreach ((string name, string value) in entry)
        {
            if (DestinationSetting.FlagSettings.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } flag)
            {
                Check(flag, value, source);
            }
        }

        string? Get(string name) => entry.TryGetValue(name, out string? v) ? v : null;
        return new DestinationSetting(
            url,
            Get("Name") is { Length: > 0 } given ? given : null,
            Get("Live") is { } live ? bool.Parse(live) : null,
            Get("ReconnectAttempts") is { } attempts ? int.Parse(attempts, CultureInfo.InvariantCulture) : null,
            Get("ReconnectDelay") is { } delay ? double.Parse(delay, CultureInfo.InvariantCulture) : null,
            Get("BufferSize") is { } buffer ? int.Parse(buffer, CultureInfo.InvariantCulture) : null,
            Get("ChunkSize") is { } chunk ? int.Parse(chunk, CultureInfo.InvariantCulture) : null,
            Get("SendTimeout") is { } send ? double.Parse(send, CultureInfo.InvariantCulture) : null,
            Get("ConnectTimeout") is { } connect ? double.Parse(connect, CultureInfo.InvariantCulture) : null);
    }

    private static bool IsDestinationKey(string key) => key.StartsWith("Destinations:", StringComparison.OrdinalIgnoreCase);

    private void Add(Dictionary<string, Setting> settings, string key, string value, string source, bool strict)
    {
        string name = key.Split(':')[0];
        if (!name.Equals("Url", StringComparison.OrdinalIgnoreCase) && !_options.ContainsKey(name))
        {
            if (strict)
            {
                throw new InputException($"{source}: unknown setting '{name}' (settings are the publish flags without dashes, e.g. \"ReconnectAttempts\", and \"Url\")");
            }

            return;
        }

        // Arrays (a repeatable flag, like ConnectArg) come as Name:0, Name:1 …
        string canonical = name.Equals("Url", StringComparison.OrdinalIgnoreCase) ? "Url" : Key(_options[name].Name);
        if (settings.TryGetValue(canonical, out Setting? existing) && key.Contains(':', StringComparison.Ordinal) && existing.Source == source)
        {
            value = existing.Value + "\n" + value;
        }

        Check(canonical, value, source);
        settings[canonical] = new Setting(canonical, value, source);
    }

    /// <summary>Runs the flag's own parsing and validators on the value alone.</summary>
    private void Check(string name, string value, string source)
    {
        if (name == "Url")
        {
            if (!RtmpUrl.TryParse(value, out _, out string? urlError))
            {
                throw new InputException($"{source}: Url: {urlError}");
            }

            return;
        }

        Option option = _options[name];
        if (option.ValueType == typeof(bool) && !bool.TryParse(value, out _))
        {
            throw new InputException($"{source}: {name} must be true or false, got '{value}'");
        }

        ParseResult probe = _command.Parse(["input", .. Tokens(option, value)]);
        ParseError? error = probe.Errors.FirstOrDefault();

        if (error is not null)
        {
            throw new InputException($"{source}: {name} = '{value.ReplaceLineEndings(", ")}': {error.Message}");
        }
    }

    private static IEnumerable<string> Tokens(Option option, string value)
    {
        if (option.ValueType == typeof(bool))
        {
            return bool.TryParse(value, out bool on) && on ? [option.Name] : [];
        }

        if (option.ValueType == typeof(string[]))
        {
            return value.Split('\n').SelectMany(v => new[] { option.Name, v });
        }

        return [option.Name, value];
    }

    private static IEnumerable<(string Key, string Value)> ReadFile(string path)
    {
        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FileNotFoundException or IOException or FormatException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InputException($"--config {path}: {(ex.InnerException ?? ex).Message.ReplaceLineEndings(" ")}");
        }

        foreach (KeyValuePair<string, string?> pair in file.AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (pair.Value is not null)
            {
                yield return (pair.Key, pair.Value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}

