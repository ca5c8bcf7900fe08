namespace Uplink.Media;

/// <summary>Which of the two inputs a frame belongs to.</summary>
public enum MediaTrack
{
    /// <summary>The video input (H.264).</summary>
    Video,

    /// <summary>The audio input (AAC).</summary>
    Audio,
}
