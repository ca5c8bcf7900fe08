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
            Passwords are shown as *** and URLs with their stream name and password masked.
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
        stdout.WriteLine(Line("Url", given.TryGetValue("Url", out SettingsLayers.Setting? url) ? Mask("Url", url.Value) : "(none: the embedded server)", url?.Source));
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
