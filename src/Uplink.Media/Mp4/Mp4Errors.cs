namespace Uplink.Media.Mp4;

/// <summary>The exceptions the MP4 reader throws, with their common prefix.</summary>
internal static class Mp4Errors
{
    public static InvalidDataException Invalid(string message) => new("MP4: " + message);

    public static NotSupportedException Unsupported(string message) => new("MP4: " + message);
}
