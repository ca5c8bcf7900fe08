using System.Globalization;
using System.Text;

namespace Uplink.IntegrationTests.Tests.Probe;

/// <summary>Collects every disagreement between uplink probe and ffprobe, so one failure lists them all.</summary>
internal sealed class ProbeComparison
{
    private readonly StringBuilder _problems = new();

    /// <summary>Records a disagreement.</summary>
    public void Problem(string text) => _problems.Append("  ").Append(text).Append('\n');

    /// <summary>Records a disagreement unless the strings are equal (ordinal).</summary>
    public void Equal(string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            Problem($"{what}: expected {Show(expected)}, uplink {Show(actual)}");
        }
    }

    /// <summary>Records a disagreement unless <paramref name="actual"/> is <paramref name="expected"/>.</summary>
    public void Equal(string what, int expected, int? actual)
    {
        if (actual != expected)
        {
            Problem($"{what}: expected {expected.ToString(CultureInfo.InvariantCulture)}, uplink {actual?.ToString(CultureInfo.InvariantCulture) ?? "(missing)"}");
        }
    }

    /// <summary>Records a disagreement unless <paramref name="actual"/> is <paramref name="expected"/>.</summary>
    public void Equal(string what, bool expected, bool? actual)
    {
        if (actual != expected)
        {
            Problem($"{what}: expected {(expected ? "true" : "false")}, uplink {(actual is null ? "(missing)" : actual.Value ? "true" : "false")}");
        }
    }

    /// <summary>Records a disagreement unless <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public void Near(string what, double expected, double? actual, double tolerance)
    {
        if (actual is null || Math.Abs(actual.Value - expected) > tolerance)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:0.###} ± {tolerance}, uplink {(actual is null ? "(missing)" : actual.Value.ToString("0.###", CultureInfo.InvariantCulture))}"));
        }
    }

    /// <summary>An H.264 profile: ffprobe's name, case-insensitive; "Constrained Baseline" may also be called "Baseline".</summary>
    public void Profile(string ffprobe, string? actual)
    {
        var ok = string.Equals(ffprobe, actual, StringComparison.OrdinalIgnoreCase) ||
            (ffprobe == "Constrained Baseline" && string.Equals(actual, "Baseline", StringComparison.OrdinalIgnoreCase));
        if (!ok)
        {
            Problem($"video profile: ffprobe {Show(ffprobe)}, uplink {Show(actual)}");
        }
    }

    /// <summary>Fails with every recorded disagreement, then <paramref name="details"/>.</summary>
    public void AssertNone(string heading, string details)
    {
        if (_problems.Length > 0)
        {
            Assert.Fail($"{heading}:\n{_problems}{details}");
        }
    }

    private static string Show(string? text) => text is null ? "(missing)" : "\"" + text + "\"";
}
