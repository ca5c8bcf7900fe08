namespace Uplink.Media.Ivf;

/// <summary>The exceptions the IVF reader throws, with their common prefix.</summary>
internal static class IvfErrors
{
    public static InvalidDataException Invalid(string message) => new("IVF: " + message);

    public static NotSupportedException Unsupported(string message) => new("IVF: " + message);
}
