namespace Uplink.Media;

/// <summary>Which of the two inputs a frame belongs to.</summary>
public enum MediaTrack
{
    /// <summary>The video input.</summary>
    Video,

    /// <summary>The audio input.</summary>
    Audio,
}
