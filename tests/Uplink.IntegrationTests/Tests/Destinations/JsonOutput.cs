using System.Text.Json;
using Uplink.IntegrationTests.Processes;

namespace Uplink.IntegrationTests.Tests.Destinations;

/// <summary>The <c>--json</c> lines of an uplink run, parsed, and the ones about one destination.</summary>
internal sealed class JsonOutput
{
    private readonly ProcessResult _result;

    public JsonOutput(ProcessResult result)
    {
        _result = result;
        Lines = [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];
    }

    public IReadOnlyList<JsonElement> Lines { get; }

    /// <summary>The lines of <paramref name="type"/> whose <c>destination</c> is on port <paramref name="port"/> (names are masked URLs) or is <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonElement> About(string type, int? port = null, string? name = null) =>
    [
        .. Lines.Where(l => l.GetProperty("type").GetString() == type
            && l.TryGetProperty("destination", out JsonElement d)
            && (name is null || d.GetString() == name)
            && (port is null || d.GetString()!.Contains(FormattableString.Invariant($":{port}/"), StringComparison.Ordinal))),
    ];

    /// <summary>The one <c>destination</c> result line (the end of the stream) of that destination.</summary>
    public JsonElement Result(int? port = null, string? name = null)
    {
        IReadOnlyList<JsonElement> results = About("destination", port, name);
        Assert.True(results.Count == 1, $"expected one result line for destination {(object?)name ?? port}, got {results.Count}.\n{_result.Describe()}");
        return results[0];
    }

    private JsonElement Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            Assert.Fail($"--json stdout line is not JSON ({ex.Message}): {line}\n{_result.Describe()}");
            throw;
        }
    }
}
