using System.Globalization;
using System.Text.Json;

namespace Uplink.IntegrationTests.Tests.Probe;

/// <summary>Lenient reads of <c>uplink probe --json</c> fields: a missing or mistyped field reads as null, so a comparison reports it.</summary>
internal static class ProbeJson
{
    /// <summary>A string field (a non-string value as its JSON text), or null when absent.</summary>
    public static string? Str(this JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null : value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();

    /// <summary>An integer field, or null when absent or not an integer.</summary>
    public static int? Int(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    /// <summary>A number field, or null when absent or not a number.</summary>
    public static double? Num(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>A boolean field, or null when absent or not a boolean.</summary>
    public static bool? Bool(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>An H.264 level ("3.1" or 3.1) times ten, as ffprobe gives it (31), or null.</summary>
    public static int? Level(this JsonElement element, string name)
    {
        var text = element.Str(name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var level) ? (int)Math.Round(level * 10) : null;
    }
}
