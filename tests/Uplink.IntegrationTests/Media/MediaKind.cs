namespace Uplink.IntegrationTests.Media;

/// <summary>A stream kind in an FLV file.</summary>
public enum MediaKind
{
    /// <summary>The H.264 video stream.</summary>
    Video,

    /// <summary>The AAC audio stream.</summary>
    Audio,
}
