using Uplink.IntegrationTests.Media;

namespace Uplink.IntegrationTests.Tests.Inputs;

/// <summary>
/// The inputs <c>uplink publish</c> must read from their content, named for theory data. Across the cases: profile
/// baseline/main/high, B-frames on and off, 44.1 and 48 kHz, mono and stereo, and sizes that need SPS cropping
/// (180, 360 and 362 lines are not multiples of 16). Each clip is 2 s with a keyframe every second.
/// </summary>
internal static class InputCases
{
    /// <summary>The base clip: 320x180 H.264 High with B-frames, AAC stereo 48 kHz, 2 s, GOP 25.</summary>
    public static readonly ClipOptions Base = new() { DurationSeconds = 2, GopFrames = 25 };

    private static readonly Dictionary<string, InputCase> Cases = new(StringComparer.Ordinal)
    {
        ["mp4_faststart_high_bframes_640x360_48k_stereo"] = new(Base with { Width = 640, Height = 360, Format = "mp4", MovFlags = "+faststart" }),
        ["mp4_moov_at_end_main_bframes_44k1_mono"] = new(Base with { Profile = "main", AudioSampleRate = 44100, AudioChannels = 1, Format = "mp4" }),
        ["mov_baseline_320x240_48k_mono"] = new(Base with { Profile = "baseline", BFrames = false, Height = 240, AudioChannels = 1, Format = "mov" }),
        ["fragmented_mp4_high_bframes_642x362_44k1_stereo"] = new(Base with
        {
            Width = 642, Height = 362, AudioSampleRate = 44100, Format = "mp4", MovFlags = "frag_keyframe+empty_moov+default_base_moof",
        }),
        ["mpegts_main_no_bframes_48k_stereo"] = new(Base with { Profile = "main", BFrames = false, Format = "mpegts" }),
        ["mpegts_high_bframes_642x362_44k1_mono"] = new(Base with { Width = 642, Height = 362, AudioSampleRate = 44100, AudioChannels = 1, Format = "mpegts" }),
        ["h264_annexb_with_audio_adts_high_bframes_48k_stereo"] = new(Base with { Format = "h264" }, Base with { Format = "adts" }),
        ["h264_annexb_alone_baseline_fps_25"] = new(Base with { Profile = "baseline", BFrames = false, Audio = false, Format = "h264" }, ExtraArguments: ["--fps", "25"]),
        ["aac_adts_alone_44k1_mono"] = new(Base with { Video = false, AudioSampleRate = 44100, AudioChannels = 1, Format = "adts" }),
    };

    /// <summary>Case names as xunit theory data.</summary>
    public static TheoryData<string> Names => new(Cases.Keys);

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static InputCase Get(string name) => Cases[name];
}
