using System.Globalization;

namespace Uplink.IntegrationTests.Media;

/// <summary>What <see cref="ClipGenerator"/> encodes: H.264 (libx264) from testsrc2 and AAC from a sine, in FLV.</summary>
public sealed record ClipOptions
{
    /// <summary>Whether the clip has a video stream.</summary>
    public bool Video { get; init; } = true;

    /// <summary>Frame width in pixels (even: 4:2:0).</summary>
    public int Width { get; init; } = 320;

    /// <summary>Frame height in pixels (even: 4:2:0).</summary>
    public int Height { get; init; } = 180;

    /// <summary>Frames per second.</summary>
    public int Fps { get; init; } = 25;

    /// <summary>Frames from one keyframe to the next (fixed: no scene-cut keyframes).</summary>
    public int GopFrames { get; init; } = 50;

    /// <summary>Whether B-frames are used (then PTS differs from DTS: composition offsets).</summary>
    public bool BFrames { get; init; } = true;

    /// <summary>H.264 profile: baseline, main or high (baseline forbids B-frames).</summary>
    public string Profile { get; init; } = "high";

    /// <summary>Whether the clip has an audio stream.</summary>
    public bool Audio { get; init; } = true;

    /// <summary>Audio channels (1 or 2).</summary>
    public int AudioChannels { get; init; } = 2;

    /// <summary>Audio sample rate in Hz.</summary>
    public int AudioSampleRate { get; init; } = 48000;

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds { get; init; } = 3;

    /// <summary>A file name that says what the clip is.</summary>
    public string FileName
    {
        get
        {
            var video = Video ? $"v{Width}x{Height}-{Fps}fps-g{GopFrames}-{Profile}{(BFrames ? "-bf" : "")}" : "novideo";
            var audio = Audio ? $"a{AudioChannels}ch{AudioSampleRate}" : "noaudio";
            return string.Create(CultureInfo.InvariantCulture, $"{video}_{audio}_{DurationSeconds}s.flv");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FileName;
}
