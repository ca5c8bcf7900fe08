using System.Reflection;

namespace Uplink;

/// <summary>The library's version, as sent to servers in <c>flashVer</c> and <c>onMetaData.encoder</c>.</summary>
public static class UplinkVersion
{
    /// <summary>The informational version without build metadata, e.g. <c>0.1.0</c>.</summary>
    public static string Value { get; } = Read();

    private static string Read()
    {
        string? v = typeof(UplinkVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v))
        {
            return "0.0.0";
        }

        int plus = v.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? v[..plus] : v;
    }
}
