namespace Uplink.Media.Matroska;

/// <summary>The exceptions the Matroska reader throws, with their common prefix.</summary>
internal static class MatroskaErrors
{
    public static InvalidDataException Invalid(string message) => new("Matroska: " + message);

    public static NotSupportedException Unsupported(string message) => new("Matroska: " + message);
}
