using System.Globalization;
using System.Text.Json;
using Uplink.IntegrationTests.Cli;
using Uplink.IntegrationTests.Media;
using Uplink.IntegrationTests.Peers;
using Uplink.IntegrationTests.Processes;
using Uplink.IntegrationTests.Tests.Inputs;

namespace Uplink.IntegrationTests.Tests.Probe;

/// <summary>
/// <c>uplink probe FILE --json</c> prints one JSON object that agrees with ffprobe
/// (<c>-count_packets -show_streams -show_format</c>) on codec, profile, level, size, frame rate, sample rate,
/// channels, frame counts, B-frames and duration, and with the clip's options on keyframes and GOP length.
/// </summary>
public sealed class ProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const double DurationTolerance = 0.1;

    private static readonly Dictionary<string, (ClipOptions Clip, string Format)> Cases = new(StringComparer.Ordinal)
    {
        ["mp4_high_bframes_640x360_48k_stereo"] = (InputCases.Base with { Width = 640, Height = 360, Format = "mp4", MovFlags = "+faststart" }, "MP4"),
        ["mp4_moov_at_end_main_44k1_mono"] = (InputCases.Base with { Profile = "main", AudioSampleRate = 44100, AudioChannels = 1, Format = "mp4" }, "MP4"),
        ["fragmented_mp4_high_bframes"] = (InputCases.Base with { Format = "mp4", MovFlags = "frag_keyframe+empty_moov+default_base_moof" }, "fragmented MP4"),
        ["mpegts_main_no_bframes_48k_stereo"] = (InputCases.Base with { Profile = "main", BFrames = false, Format = "mpegts" }, "MPEG-TS"),
        ["mkv_high_bframes_44k1_stereo"] = (InputCases.Base with { AudioSampleRate = 44100, Format = "matroska" }, "Matroska"),
        ["flv_baseline_44k1_mono"] = (InputCases.Base with { Profile = "baseline", BFrames = false, AudioSampleRate = 44100, AudioChannels = 1 }, "FLV"),
        ["h264_annexb_high_bframes_642x362"] = (InputCases.Base with { Width = 642, Height = 362, Format = "h264" }, "H.264 Annex-B"),
        ["aac_adts_44k1_mono"] = (InputCases.Base with { Video = false, AudioSampleRate = 44100, AudioChannels = 1, Format = "adts" }, "AAC ADTS"),
    };

    /// <summary>The probe cases.</summary>
    public static TheoryData<string> CaseNames => new(Cases.Keys);

    /// <summary>Every field of <c>uplink probe --json</c> agrees with ffprobe's view of the same file.</summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Probe_json_agrees_with_ffprobe(string probeCase)
    {
        var (options, format) = Cases[probeCase];
        var clip = await ClipGenerator.GetAsync(options);
        var probe = await UplinkCli.RunAsync(["probe", clip, "--json"], Timeout);
        Assert.True(!probe.TimedOut && probe.ExitCode == 0, $"uplink probe failed.\n{probe.Describe()}");
        using var uplink = ParseOneObject(probe);
        using var ffprobe = await FfprobeAsync(clip);

        var comparison = new ProbeComparison();
        var root = uplink.RootElement;
        comparison.Equal("format", format, root.Str("format"));

        var streams = ffprobe.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var tracks = root.TryGetProperty("tracks", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().ToList() : [];
        comparison.Equal("number of tracks", streams.Count, tracks.Count);
        var trackDurations = new List<double>();
        foreach (var stream in streams)
        {
            var type = stream.GetProperty("codec_type").GetString()!;
            var matching = tracks.Where(track => track.Str("type") == type).ToList();
            if (matching.Count != 1)
            {
                comparison.Problem($"ffprobe has a {type} stream; uplink has {matching.Count} tracks of type \"{type}\"");
                continue;
            }

            var track = matching[0];
            var frames = int.Parse(stream.GetProperty("nb_read_packets").GetString()!, CultureInfo.InvariantCulture);
            comparison.Equal($"{type} codec", stream.GetProperty("codec_name").GetString(), track.Str("codec"));
            comparison.Equal($"{type} frames", frames, track.Int("frames"));
            double expectedDuration;
            if (type == "video")
            {
                comparison.Profile(stream.GetProperty("profile").GetString()!, track.Str("profile"));
                comparison.Equal("video level x10", stream.GetProperty("level").GetInt32(), track.Level("level"));
                comparison.Equal("video width", stream.GetProperty("width").GetInt32(), track.Int("width"));
                comparison.Equal("video height", stream.GetProperty("height").GetInt32(), track.Int("height"));
                comparison.Equal("video bFrames (ffprobe has_b_frames > 0)", stream.GetProperty("has_b_frames").GetInt32() > 0, track.Bool("bFrames"));
                var rates = new[] { Rate(stream.GetProperty("r_frame_rate").GetString()), Rate(stream.GetProperty("avg_frame_rate").GetString()) };
                var frameRate = track.Num("frameRate");
                if (frameRate is null || !rates.Any(rate => Math.Abs(rate - frameRate.Value) < 0.01))
                {
                    comparison.Problem($"video frameRate: ffprobe r_frame_rate/avg_frame_rate {rates[0]:0.###}/{rates[1]:0.###}, uplink {Show(frameRate)}");
                }

                // Keyframes come from the clip's fixed GOP (no scene cuts); ffprobe's stream summary does not count them.
                comparison.Equal("video keyframes", (frames + options.GopFrames - 1) / options.GopFrames, track.Int("keyframes"));
                comparison.Equal("video gopLength", Math.Min(frames, options.GopFrames), track.Int("gopLength"));
                expectedDuration = frames / (double)options.Fps;
            }
            else
            {
                comparison.Equal("audio profile", stream.GetProperty("profile").GetString(), track.Str("profile"));
                var sampleRate = int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture);
                comparison.Equal("audio sampleRate", sampleRate, track.Int("sampleRate"));
                comparison.Equal("audio channels", stream.GetProperty("channels").GetInt32(), track.Int("channels"));
                expectedDuration = frames * 1024.0 / sampleRate;
            }

            // ffprobe's stream durations are estimates for some containers (MPEG-TS audio, raw ADTS), so a track's duration is
            // checked against its frames: frames / fps, or frames x 1024 samples / sample rate.
            comparison.Near($"{type} durationSeconds (from its frames)", expectedDuration, track.Num("durationSeconds"), DurationTolerance);
            trackDurations.Add(expectedDuration);
        }

        var format0 = ffprobe.RootElement.GetProperty("format");
        var fileDuration = format0.TryGetProperty("duration", out var d) && d.GetString() is { } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : trackDurations.DefaultIfEmpty(0).Max();
        comparison.Near("durationSeconds", fileDuration, root.Num("durationSeconds"), DurationTolerance);

        comparison.AssertNone($"uplink probe --json {Path.GetFileName(clip)} disagrees with ffprobe",
            $"--- uplink ---\n{probe.StandardOutput.Trim()}\n--- ffprobe (streams) ---\n{Summarize(ffprobe)}");
    }

    private static JsonDocument ParseOneObject(ProcessResult probe)
    {
        try
        {
            var document = JsonDocument.Parse(probe.StandardOutput);
            Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"stdout is JSON but not an object.\n{probe.Describe()}");
            return document;
        }
        catch (JsonException ex)
        {
            Assert.Fail($"stdout of uplink probe --json is not one JSON object ({ex.Message}).\n{probe.Describe()}");
            throw;
        }
    }

    private static async Task<JsonDocument> FfprobeAsync(string file)
    {
        var ffprobe = RequiredTools.Find("ffprobe", "apt-get install ffmpeg");
        var result = await ExternalProcess.RunAsync(ffprobe, ["-v", "error", "-count_packets", "-show_streams", "-show_format", "-of", "json", file], Timeout);
        Assert.True(!result.TimedOut && result.ExitCode == 0, $"ffprobe failed.\n{result.Describe()}");
        return JsonDocument.Parse(result.StandardOutput);
    }

    private static double Rate(string? fraction)
    {
        var parts = (fraction ?? "0/0").Split('/');
        var denominator = double.Parse(parts[1], CultureInfo.InvariantCulture);
        return denominator == 0 ? double.NaN : double.Parse(parts[0], CultureInfo.InvariantCulture) / denominator;
    }

    private static string Show(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "(missing)";

    private static string Summarize(JsonDocument ffprobe)
    {
        var keys = new[] { "codec_type", "codec_name", "profile", "level", "width", "height", "has_b_frames", "r_frame_rate", "avg_frame_rate", "sample_rate", "channels", "nb_read_packets", "duration" };
        var lines = ffprobe.RootElement.GetProperty("streams").EnumerateArray()
            .Select(stream => string.Join(", ", keys.Where(key => stream.TryGetProperty(key, out _)).Select(key => $"{key}={stream.GetProperty(key)}")));
        var format = ffprobe.RootElement.GetProperty("format");
        return string.Join('\n', lines) + $"\nformat_name={format.GetProperty("format_name")}, duration={(format.TryGetProperty("duration", out var d) ? d.ToString() : "(none)")}";
    }
}
