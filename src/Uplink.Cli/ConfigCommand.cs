using System.CommandLine;
using System.Globalization;

namespace Uplink.Cli;

/// <summary><c>uplink config --print [--config FILE]</c>: the settings publish would use, and where each comes from; secrets masked.</summary>
internal static class ConfigCommand
{
    public static Command Create(Command publish)
    {
        var print = new Option<bool>("--print") { Description = "Print every publish setting: its value and where it comes from (default, the file, or an UPLINK_… variable)." };
        var file = new Option<string?>("--config") { Description = "The JSON settings file publish would be given." };
        var command = new Command("config", """
            Show the settings 'uplink publish' would use: the defaults, overridden by the --config file,
            overridden by UPLINK_… environment variables (flags given to publish override all three).
            Passwords are shown as *** and URLs with their stream name and password masked, the
            file's Destinations included.
            Exit codes: 0 success, 2 a missing or invalid file, or an invalid value (named, with its source).

            Examples:
              uplink config --print
              uplink config --print --config uplink.json
              UPLINK_RECONNECT_ATTEMPTS=10 uplink config --print
            """);
        command.Options.Add(print);
        command.Options.Add(file);
        command.SetAction((result, cancellationToken) =>
        {
            var output = new CommandOutput(Console.Out, Console.Error, json: false, verbose: false);
            return output.RunAsync(_ => Task.FromResult(Print(publish, result.GetValue(file), Console.Out)), () => "config", cancellationToken);
        });
        return command;
    }

    private static int Print(Command publish, string? configFile, TextWriter stdout)
    {
        var layers = new SettingsLayers(publish);
        Dictionary<string, SettingsLayers.Setting> given = layers.Read(configFile, Environment.GetEnvironmentVariables()).ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        ParseResult defaults = publish.Parse(["input"]);
        IReadOnlyList<DestinationSetting> destinations = layers.ReadDestinations(configFile);
        string noUrl = destinations.Count > 0 ? "(none: the first of Destinations)" : "(none: the embedded server)";
        stdout.WriteLine(Line("Url", given.TryGetValue("Url", out SettingsLayers.Setting? url) ? Mask("Url", url.Value) : noUrl, url?.Source));
        for (int i = 0; i < destinations.Count; i++)
        {
            stdout.WriteLine(Line(string.Create(CultureInfo.InvariantCulture, $"Destinations[{i}]"), Describe(destinations[i]), configFile));
        }

        foreach (Option option in publish.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name is not "--config" and not "--help" && o is not System.CommandLine.Help.HelpOption).OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            string name = SettingsLayers.Key(option.Name);
            string value = given.TryGetValue(name, out SettingsLayers.Setting? setting)
                ? Mask(name, setting.Value)
                : Format(defaults.GetResult(option)?.GetValueOrDefault<object?>());
            stdout.WriteLine(Line(name, value, setting?.Source));
        }

        return ExitCodes.Success;
    }

    /// <summary>A destination's masked URL and the settings it sets itself.</summary>
    private static string Describe(DestinationSetting d)
    {
        var own = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                own.Add(name + "=" + Format(value));
            }
        }

        Add("Name", d.Name);
        Add("Live", d.Live);
        Add("ReconnectAttempts", d.ReconnectAttempts);
        Add("ReconnectDelay", d.ReconnectDelay);
        Add("BufferSize", d.BufferSize);
        Add("ChunkSize", d.ChunkSize);
        Add("SendTimeout", d.SendTimeout);
        Add("ConnectTimeout", d.ConnectTimeout);
        return own.Count == 0 ? d.MaskedUrl : d.MaskedUrl + " " + string.Join(" ", own);
    }

    private static string Line(string name, string value, string? source) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-20} {value.ReplaceLineEndings(", ")}{(source is null ? "" : "   (" + source + ")")}");

    private static string Mask(string name, string value) => name switch
    {
        "Password" => "***",
        "Url" => RtmpUrl.TryParse(value, out RtmpUrl? url, out _) ? url.ToString() : "(invalid)",
        _ => value,
    };

    private static string Format(object? value) => value switch
    {
        null => "(not set)",
        string[] array => array.Length == 0 ? "(none)" : string.Join(", ", array),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
