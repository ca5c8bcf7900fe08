namespace Uplink.IntegrationTests.Media;

/// <summary>The named clips every publisher is tested with (names are theory data; options live here).</summary>
public static class ClipCases
{
    private static readonly Dictionary<string, ClipOptions> Cases = new(StringComparer.Ordinal)
    {
        ["high_bframes_aac_stereo_48k"] = new() { Width = 640, Height = 360, Profile = "high", BFrames = true, AudioChannels = 2, AudioSampleRate = 48000 },
        ["video_only"] = new() { Audio = false },
        ["audio_only"] = new() { Video = false },
        ["long_gop_10s"] = new() { GopFrames = 250, DurationSeconds = 12, Width = 256, Height = 144 },
        ["odd_size_642x362_cropped"] = new() { Width = 642, Height = 362 },
        ["aac_mono_44k1"] = new() { AudioChannels = 1, AudioSampleRate = 44100 },
        ["baseline"] = new() { Profile = "baseline", BFrames = false },
    };

    /// <summary>The default clip: H.264 High with B-frames and AAC stereo 48 kHz, 3 s.</summary>
    public static ClipOptions Default => Cases["high_bframes_aac_stereo_48k"];

    /// <summary>Case names as xunit theory data.</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>The options of case <paramref name="name"/>.</summary>
    public static ClipOptions Get(string name) => Cases[name];
}
