using System.Globalization;

namespace Uplink.IntegrationTests.Peers;

/// <summary>Unique stream names, so tests sharing a peer never share a recording.</summary>
public static class StreamNames
{
    private static int _counter;

    /// <summary>A new name like <c>audio_only-7</c> (letters, digits, '_' and '-' only).</summary>
    public static string Next(string label) =>
        string.Create(CultureInfo.InvariantCulture, $"{label}-{Interlocked.Increment(ref _counter)}");
}
